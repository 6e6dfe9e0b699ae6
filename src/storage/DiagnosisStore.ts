import type { Storage } from 'botbuilder';
import { DiagnosisRecord } from '../bot/DiagnosisRecord';
import { keySegment } from './keySegment';

const DIAGNOSIS_PREFIX = 'diagnosis/';

/**
 * One record per diagnosis under its own key, so that two people pasting in one thread at the
 * same moment never overwrite each other, and anyone in the thread can press the card's buttons.
 */
export class DiagnosisStore {
  constructor(private readonly storage: Storage) {}

  static key(conversationId: string, id: string): string {
    return `${DIAGNOSIS_PREFIX}${keySegment(conversationId)}/${keySegment(id)}`;
  }

  async save(conversationId: string, record: DiagnosisRecord): Promise<void> {
    await this.storage.write({ [DiagnosisStore.key(conversationId, record.id)]: { ...record, eTag: '*' } });
  }

  /** The record, or undefined when it expired, never existed or no longer parses. */
  async load(conversationId: string, id: string): Promise<DiagnosisRecord | undefined> {
    const key = DiagnosisStore.key(conversationId, id);
    const items = await this.storage.read([key]);
    const parsed = DiagnosisRecord.safeParse(items[key]);
    return parsed.success ? parsed.data : undefined;
  }
}
