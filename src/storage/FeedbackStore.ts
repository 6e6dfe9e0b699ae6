import type { Storage } from 'botbuilder';
import { z } from 'zod';
import { keySegment } from './keySegment';

/** One person's "Did this help?" for one diagnosis. */
export const FeedbackRecord = z.object({
  /** The diagnosis rated, as its card's buttons and the log line of the diagnosis name it. */
  diagnosisId: z.string().min(1).max(64),
  failureMode: z.string(),
  helpful: z.boolean(),
  tenantId: z.string().optional(),
  conversationId: z.string(),
  userId: z.string().optional(),
  /** ISO 8601 in UTC, as Date#toISOString writes it: the latest press. */
  at: z.string().datetime(),
  source: z.enum(['paste', 'guided']).optional(),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;

/** What a caller knows; the store adds the time unless given. */
export type Feedback = Omit<FeedbackRecord, 'at'> & { at?: string };

const FEEDBACK_PREFIX = 'feedback/';

export const isFeedbackKey = (key: string): boolean => key.startsWith(FEEDBACK_PREFIX);

/** One key per conversation, diagnosis and person; keySegment encodes "/", so no two triples share a key. */
export function feedbackKey({ conversationId, diagnosisId, userId }: Pick<FeedbackRecord, 'conversationId' | 'diagnosisId' | 'userId'>): string {
  return `${FEEDBACK_PREFIX}${keySegment(conversationId)}/${keySegment(diagnosisId)}/${keySegment(userId ?? 'unknown')}`;
}

/** Keeps each person's latest verdict on each diagnosis: a second press replaces the first. */
export class FeedbackStore {
  constructor(private readonly storage: Storage) {}

  /** Writes the record; returns the record it replaced, if the person had rated this diagnosis before. */
  async record(feedback: Feedback): Promise<{ record: FeedbackRecord; replaced?: FeedbackRecord }> {
    const parsed = FeedbackRecord.safeParse({ ...feedback, at: feedback.at ?? new Date().toISOString() });
    if (!parsed.success) throw new TypeError(`Invalid feedback: ${parsed.error.message}`);
    const record = parsed.data;
    const key = feedbackKey(record);
    const earlier = FeedbackRecord.safeParse((await this.storage.read([key]))[key]);
    await this.storage.write({ [key]: { ...record, eTag: '*' } });
    return earlier.success ? { record, replaced: earlier.data } : { record };
  }
}
