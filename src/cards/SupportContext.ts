import { z } from 'zod';
import { Facts } from '../knowledge';
import { excerpt } from './expandCard';

/** Longest stretch of the (redacted) paste a card carries for the support summary. */
export const MAX_CONTEXT_TEXT = 3000;
/** The most steps a context carries, and the longest: above the question tree's longest run and longest step (a test keeps them so). */
export const MAX_STEPS = 16;
export const MAX_STEP_CHARS = 240;
/** The longest fact: extractFacts keeps none longer than 260 characters. */
export const MAX_FACT_CHARS = 260;

/**
 * What "Prepare a support request" needs, carried in the button's own data: the card works from
 * any instance, after a restart and long after conversation state has expired, and no diagnosis
 * has to be stored. The text is the paste with secrets already removed. The limits are what the
 * bot itself puts in; a context that would still make a card too large is cut (fittingContexts).
 */
export const SupportContext = z.object({
  source: z.enum(['paste', 'guided', 'list']),
  /** How sure the matcher was of a pasted error. */
  confidence: z.number().min(0).max(1).optional(),
  redactedText: z.string().max(MAX_CONTEXT_TEXT + 2).optional(),
  facts: Facts.refine((facts) => Object.values(facts).every((value) => value === undefined || value.length <= MAX_FACT_CHARS), {
    message: `a fact is longer than ${MAX_FACT_CHARS} characters`,
  }),
  stepsTaken: z.array(z.string().max(MAX_STEP_CHARS)).max(MAX_STEPS),
});
export type SupportContext = z.infer<typeof SupportContext>;

/** What a card shows of a context: the text, the facts, the steps. */
export type CarriedContext = Omit<SupportContext, 'source'>;

/** Below this, a cut paste says too little to be worth carrying. */
const MIN_TEXT_CHARS = 200;
/** A step cut to this still names the question. */
const SHORT_STEP_CHARS = 60;

/**
 * The context, then smaller and smaller copies of it, for a card that is too large to send with it
 * (fitCard takes the first that fits): the pasted text cut by a quarter at a time and marked, then
 * left out; then each step cut short, then the steps left out; last the facts, which leaves a
 * context that adds next to nothing to a card.
 */
export function* fittingContexts(context: CarriedContext): Generator<CarriedContext> {
  const { redactedText: text, facts, stepsTaken } = context;
  yield context;
  if (text !== undefined) {
    for (let max = Math.floor((text.length * 3) / 4); max >= MIN_TEXT_CHARS; max = Math.floor((max * 3) / 4)) yield { facts, stepsTaken, redactedText: excerpt(text, max) };
    yield { facts, stepsTaken };
  }
  if (stepsTaken.some((step) => step.length > SHORT_STEP_CHARS)) {
    yield { facts, stepsTaken: stepsTaken.map((step) => (step.length > SHORT_STEP_CHARS ? `${step.slice(0, SHORT_STEP_CHARS)}…` : step)) };
  }
  if (stepsTaken.length > 0) yield { facts, stepsTaken: [] };
  if (Object.keys(facts).length > 0) yield { facts: {}, stepsTaken: [] };
}

/** fittingContexts for a context with its source, which is kept: for fitCard; nothing when there is no context. */
export function* fittingSupportContexts(context: SupportContext | undefined): Generator<SupportContext | undefined> {
  if (context === undefined) {
    yield undefined;
    return;
  }
  for (const fitting of fittingContexts(context)) yield { source: context.source, ...fitting };
}
