import { defaultKnowledge } from './loadKnowledge';
import { Matcher, type Diagnosis } from './Matcher';

export * from './schema';
export * from './Matcher';
export { extractFacts, Facts, summarizeFacts } from './extractFacts';
export { defaultKnowledge, loadKnowledge, KnowledgeError, type KnowledgeBase } from './loadKnowledge';
export { toPlainText, compactText } from './normalizeText';
export * from './questionTree';

let shared: Matcher | undefined;

/** The matcher over the shipped knowledge, built once. */
export function defaultMatcher(): Matcher {
  shared ??= new Matcher(defaultKnowledge());
  return shared;
}

/** Diagnoses a paste with the shipped knowledge. */
export function diagnose(text: string): Diagnosis {
  return defaultMatcher().diagnose(text);
}
export { searchFailureModes } from './searchFailureModes';
export { redactSecrets, SecretKind } from './redactSecrets';
