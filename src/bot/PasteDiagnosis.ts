import { randomUUID } from 'node:crypto';
import { excerpt, type CardJson } from '../cards/expandCard';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { renderNotRecognisedCard } from '../cards/renderNotRecognisedCard';
import { MAX_CONTEXT_TEXT, type SupportContext } from '../cards/SupportContext';
import { toPlainText, type Diagnosis, type Lang, type Matcher } from '../knowledge';
import { redactSecrets } from '../knowledge/redactSecrets';
import type { Metrics } from '../metrics';
import type { Turn } from './Turn';

/** The most of a paste the bot reads; of a longer one, its head and its tail, and the user is told what was skipped. */
export const MAX_PASTE_CHARS = 100 * 1024;
/** Of a longer paste, this much of the head; the rest of MAX_PASTE_CHARS is its tail, where a transcript's errors usually are. */
const HEAD_CHARS = 20 * 1024;

/** The part of a paste the bot reads. */
export function readablePart(text: string): string {
  if (text.length <= MAX_PASTE_CHARS) return text;
  return `${text.slice(0, HEAD_CHARS)}\n…\n${text.slice(text.length - (MAX_PASTE_CHARS - HEAD_CHARS))}`;
}

const kb = (chars: number) => Math.max(1, Math.round(chars / 1024));

/** Names one diagnosis in logs and on its card's buttons, so feedback can name it; nothing is stored under it. */
export function newDiagnosisId(): string {
  return randomUUID().slice(0, 12);
}

/** A paste with its secrets removed, and what the matcher makes of it. */
export interface ReadPaste {
  redacted: string;
  /** Kinds of secret removed. */
  kinds: readonly string[];
  diagnosis: Diagnosis;
}

/** Reads pastes and answers them with a diagnosis card or the not-recognised card. */
export class PasteDiagnosis {
  constructor(
    private readonly matcher: Matcher,
    private readonly metrics: Metrics,
  ) {}

  /** The paste as the user saw it (HTML and entities resolved), cut to MAX_PASTE_CHARS, secrets removed, then matched. */
  read(text: string): ReadPaste {
    const { text: redacted, kinds } = redactSecrets(toPlainText(readablePart(text)));
    return { redacted, kinds, diagnosis: this.matcher.diagnose(redacted) };
  }

  /** Answers a paste; true when it was recognised. */
  async answer(turn: Turn, text: string, read: ReadPaste = this.read(text)): Promise<boolean> {
    const { diagnosis, kinds } = read;
    const diagnosisId = newDiagnosisId();
    if (text.length > MAX_PASTE_CHARS) {
      await turn.say('reply.tooLong', { total: kb(text.length), head: kb(HEAD_CHARS), tail: kb(MAX_PASTE_CHARS - HEAD_CHARS), skipped: kb(text.length - MAX_PASTE_CHARS) });
    }
    if (diagnosis.match === null) {
      this.metrics.notRecognisedPaste();
      turn.log.info('paste not recognised', { diagnosisId, length: text.length, secretsRemoved: kinds.length, best: diagnosis.candidates[0]?.id ?? null });
    } else {
      this.metrics.diagnosed(diagnosis.match.id);
      turn.log.info('paste diagnosed', { diagnosisId, failureMode: diagnosis.match.id, confidence: diagnosis.match.confidence, length: text.length, secretsRemoved: kinds.length });
    }
    await turn.sendCard(this.card(turn.lang, read, diagnosisId));
    return diagnosis.match !== null;
  }

  /** The card for a paste that was read: its diagnosis, or what the bot could not recognise. */
  card(lang: Lang, { redacted, kinds, diagnosis }: ReadPaste, diagnosisId = newDiagnosisId()): CardJson {
    const mode = diagnosis.match ? this.matcher.modeById(diagnosis.match.id) : undefined;
    if (!diagnosis.match || !mode) {
      return renderNotRecognisedCard({ lang, packs: this.matcher.packs, modes: this.matcher.modes, closest: diagnosis.candidates, pastedText: redacted, secretKinds: kinds });
    }
    const context: SupportContext = {
      source: 'paste',
      confidence: diagnosis.match.confidence,
      redactedText: excerpt(redacted, MAX_CONTEXT_TEXT),
      facts: diagnosis.match.facts,
      stepsTaken: [],
    };
    return renderDiagnosisCard({
      lang,
      mode,
      pack: this.matcher.packOf(mode),
      alsoFound: diagnosis.alsoFound.flatMap((c) => this.matcher.modeById(c.id) ?? []),
      confidence: diagnosis.match.confidence,
      facts: diagnosis.match.facts,
      others: diagnosis.candidates.filter((c) => c.id !== mode.id && c.confidence >= 0.1 && !diagnosis.alsoFound.some((a) => a.id === c.id)),
      diagnosisId,
      context,
      secretKinds: kinds,
    });
  }
}
