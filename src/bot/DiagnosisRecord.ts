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
  /** The quiet listener has already answered in this thread. */
  quietAnswered: z.boolean().optional(),
});
export type ConversationData = z.infer<typeof ConversationData>;
