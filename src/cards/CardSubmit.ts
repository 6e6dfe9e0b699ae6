import { z } from 'zod';
import { SupportContext } from './SupportContext';
import { FailureModeId } from '../knowledge';
import { MAX_NOTE_LENGTH, TicketId } from '../tickets/Ticket';

/** Every card button carries a verb; each verb has one small handler. */
export const CardSubmit = z.discriminatedUnion('verb', [
  z.object({
    verb: z.literal('feedback'),
    helpful: z.boolean(),
    failureMode: FailureModeId,
    diagnosisId: z.string().max(64).optional(),
    source: SupportContext.shape.source.optional(),
    context: SupportContext.optional(),
    /** The paste's other candidates, offered again after "Didn't help". */
    candidates: z.array(FailureModeId).max(9).optional(),
  }),
  z.object({ verb: z.literal('alternatives'), failureMode: FailureModeId, diagnosisId: z.string().max(64).optional(), candidates: z.array(FailureModeId).max(9).optional() }),
  z.object({ verb: z.literal('guided'), failureMode: FailureModeId.optional(), diagnosisId: z.string().max(64).optional() }),
  z.object({ verb: z.literal('supportRequest'), failureMode: FailureModeId, diagnosisId: z.string().max(64).optional(), context: SupportContext.optional() }),
  z.object({ verb: z.literal('showMode'), failureMode: FailureModeId }),
  z.object({ verb: z.literal('list') }),
  z.object({ verb: z.literal('help') }),
  z.object({ verb: z.literal('answer'), flowId: z.string().max(64), questionId: z.string().max(64), answerId: z.string().max(64) }),
  z.object({ verb: z.literal('back'), flowId: z.string().max(64), questionId: z.string().max(64) }),
  z.object({ verb: z.literal('restart'), flowId: z.string().max(64), questionId: z.string().max(64).optional() }),
  z.object({ verb: z.literal('cancelFlow'), flowId: z.string().max(64), questionId: z.string().max(64).optional() }),
  z.object({ verb: z.literal('escalate'), failureMode: FailureModeId, diagnosisId: z.string().max(64).optional(), context: SupportContext.optional() }),
  z.object({ verb: z.literal('ticketAssign'), ticketId: TicketId }),
  z.object({ verb: z.literal('ticketResolve'), ticketId: TicketId, note: z.string().max(MAX_NOTE_LENGTH).optional() }),
  z.object({ verb: z.literal('ticketReopen'), ticketId: TicketId }),
  z.object({ verb: z.literal('supportChannelSet') }),
  z.object({ verb: z.literal('supportChannelStop') }),
]);
export type CardSubmit = z.infer<typeof CardSubmit>;
export type GuidedSubmit = Extract<CardSubmit, { verb: 'answer' | 'back' | 'restart' | 'cancelFlow' }>;
export const GUIDED_VERBS: ReadonlySet<CardSubmit['verb']> = new Set(['answer', 'back', 'restart', 'cancelFlow']);
