import { randomUUID } from 'node:crypto';
import type { Storage } from 'botbuilder';
import { z } from 'zod';
import { keySegment } from './keySegment';

/** "Did this help?" for one diagnosis. */
export const FeedbackRecord = z.object({
  id: z.string(),
  failureMode: z.string(),
  helpful: z.boolean(),
  tenantId: z.string().optional(),
  conversationId: z.string(),
  userId: z.string().optional(),
  /** ISO 8601 in UTC, as Date#toISOString writes it. */
  at: z.string().datetime(),
  source: z.enum(['paste', 'guided']).optional(),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;

/** What a caller knows; the store adds the id and, unless given, the time. */
export type Feedback = Omit<FeedbackRecord, 'id' | 'at'> & { at?: string };

const FEEDBACK_PREFIX = 'feedback/';

export const isFeedbackKey = (key: string): boolean => key.startsWith(FEEDBACK_PREFIX);

export function feedbackKey({ conversationId, id }: Pick<FeedbackRecord, 'conversationId' | 'id'>): string {
  return `${FEEDBACK_PREFIX}${keySegment(conversationId)}/${keySegment(id)}`;
}

/** Appends feedback records; each gets a fresh id and key, so no record replaces another. */
export class FeedbackStore {
  constructor(private readonly storage: Storage) {}

  async record(feedback: Feedback): Promise<FeedbackRecord> {
    const parsed = FeedbackRecord.safeParse({ ...feedback, id: randomUUID(), at: feedback.at ?? new Date().toISOString() });
    if (!parsed.success) throw new TypeError(`Invalid feedback: ${parsed.error.message}`);
    const record = parsed.data;
    await this.storage.write({ [feedbackKey(record)]: { ...record, eTag: '*' } });
    return record;
  }
}
