import { z } from 'zod';
import { Candidate, Facts, FailureModeId } from '../knowledge';

/** What the bot remembers of a diagnosis so that its card's buttons work on later turns. */
export const DiagnosisRecord = z.object({
  id: z.string(),
  failureMode: FailureModeId,
  /** The paste with secrets removed, cut to what a card may echo. */
  redactedText: z.string().optional(),
  facts: Facts,
  candidates: z.array(Candidate),
  stepsTaken: z.array(z.string()),
  source: z.enum(['paste', 'guided', 'list']),
  at: z.string(),
});
export type DiagnosisRecord = z.infer<typeof DiagnosisRecord>;

export const ConversationData = z.object({
  diagnoses: z.array(DiagnosisRecord).default([]),
  /** Threads the quiet listener has already answered in. */
  quietAnswered: z.boolean().optional(),
});
export type ConversationData = z.infer<typeof ConversationData>;

/** Keeps the most recent diagnoses only: state stays small however long the chat runs. */
export const MAX_REMEMBERED_DIAGNOSES = 5;
