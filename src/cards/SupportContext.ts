import { z } from 'zod';
import { Facts } from '../knowledge';

/** Longest stretch of the (redacted) paste a card carries for the support summary. */
export const MAX_CONTEXT_TEXT = 3000;

/**
 * What "Prepare a support request" needs, carried in the button's own data: the card works from
 * any instance, after a restart and long after conversation state has expired, and no diagnosis
 * has to be stored. The text is the paste with secrets already removed.
 */
export const SupportContext = z.object({
  source: z.enum(['paste', 'guided', 'list']),
  /** How sure the matcher was of a pasted error. */
  confidence: z.number().min(0).max(1).optional(),
  redactedText: z.string().max(MAX_CONTEXT_TEXT + 2).optional(),
  facts: Facts,
  stepsTaken: z.array(z.string().max(600)).max(40),
});
export type SupportContext = z.infer<typeof SupportContext>;
