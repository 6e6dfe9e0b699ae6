import { z } from 'zod';

/** What the bot keeps per conversation (per channel thread): only what the quiet listener needs. */
export const ConversationData = z.object({
  /** The quiet listener has already answered in this thread. */
  quietAnswered: z.boolean().optional(),
});
export type ConversationData = z.infer<typeof ConversationData>;
