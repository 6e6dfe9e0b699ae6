import { createHash } from 'node:crypto';

/** Keeps keys far below the 1024-character blob name limit even after BlobsStorage encodes them again. */
const MAX_SEGMENT_LENGTH = 200;
/** encodeURIComponent throws on these. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** URI-encodes one key segment; a long one is cut and made unique again with its hash. */
export function keySegment(value: string): string {
  const encoded = encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  if (encoded.length <= MAX_SEGMENT_LENGTH) return encoded;
  const digest = createHash('sha256').update(value).digest('hex');
  const head = encoded.slice(0, MAX_SEGMENT_LENGTH - digest.length - 1).replace(/%[0-9A-F]?$/, '');
  return `${head}~${digest}`;
}
