import { z } from 'zod';
import { Lang } from '../knowledge/schema';
import { ConversationAddress } from './ConversationAddress';
import { Person } from './Person';

/** A tenant's support channel: where tickets are posted, in which language, and who chose it when. */
export const SupportChannel = z.object({
  /** The channel itself, not a thread in it: tickets are new posts. */
  address: ConversationAddress,
  channelName: z.string().max(256).optional(),
  teamName: z.string().max(256).optional(),
  /** The language of the person who set it: tickets are posted in it. */
  lang: Lang,
  setBy: Person,
  setAt: z.string().datetime(),
});
export type SupportChannel = z.infer<typeof SupportChannel>;
