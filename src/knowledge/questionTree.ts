import { z } from 'zod';
import { defaultKnowledge, KnowledgeError, knowledgeDataDir, parseDataFile } from './loadKnowledge';
import { FailureModeId, Localized } from './schema';
import { join } from 'node:path';

const Id = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);

const AnswerBase = { id: Id, text: Localized };
/** An answer leads to another question, to a failure mode, or to "none of the documented causes". */
export const Answer = z.union([
  z.object({ ...AnswerBase, next: Id }).strict(),
  z.object({ ...AnswerBase, failureMode: FailureModeId }).strict(),
  z.object({ ...AnswerBase, outcome: z.literal('none') }).strict(),
]);
export type Answer = z.infer<typeof Answer>;

export const Question = z
  .object({
    id: Id,
    text: Localized,
    /** Something to run or try before answering. */
    check: z.object({ text: Localized, command: z.string().min(1).optional() }).strict().optional(),
    answers: z.array(Answer).min(2).max(5),
  })
  .strict();
export type Question = z.infer<typeof Question>;

export const QuestionTree = z
  .object({
    start: Id,
    /** Shown when an answer ends at "none of the documented causes". */
    none: z.object({ title: Localized, text: Localized }).strict(),
    questions: z.array(Question).min(1),
  })
  .strict();
export type QuestionTree = z.infer<typeof QuestionTree>;

/** Every problem with the tree's shape, as messages; empty when the tree is sound. */
export function checkTree(tree: QuestionTree, modeIds: readonly FailureModeId[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Question>();
  for (const q of tree.questions) {
    if (byId.has(q.id)) problems.push(`questions: "${q.id}" appears twice`);
    byId.set(q.id, q);
    const answerIds = new Set<string>();
    for (const a of q.answers) {
      if (answerIds.has(a.id)) problems.push(`questions.${q.id}.answers: "${a.id}" appears twice`);
      answerIds.add(a.id);
    }
  }
  if (!byId.has(tree.start)) problems.push(`start: no question "${tree.start}"`);
  for (const q of tree.questions) {
    for (const a of q.answers) if ('next' in a && !byId.has(a.next)) problems.push(`questions.${q.id}.answers.${a.id}.next: no question "${a.next}"`);
  }
  // Depth-first from the start: cycles, and what is reachable.
  const reachedQuestions = new Set<string>();
  const reachedModes = new Set<string>();
  const visiting = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (visiting.has(id)) {
      problems.push(`cycle: ${[...path, id].join(' → ')}`);
      return;
    }
    if (reachedQuestions.has(id)) return;
    const q = byId.get(id);
    if (!q) return;
    visiting.add(id);
    reachedQuestions.add(id);
    for (const a of q.answers) {
      if ('next' in a) visit(a.next, [...path, id]);
      else if ('failureMode' in a) reachedModes.add(a.failureMode);
    }
    visiting.delete(id);
  };
  visit(tree.start, []);
  for (const q of tree.questions) if (!reachedQuestions.has(q.id)) problems.push(`questions.${q.id}: unreachable from "${tree.start}"`);
  for (const mode of reachedModes) if (!modeIds.includes(mode)) problems.push(`failure mode ${mode}: no such mode in the knowledge`);
  for (const mode of modeIds) if (!reachedModes.has(mode)) problems.push(`failure mode ${mode}: no answer leads to it`);
  return problems;
}

/** Reads, validates and checks the guided-troubleshooting tree. */
export function loadQuestionTree(file: string = join(knowledgeDataDir(), 'tree.json'), modeIds: readonly FailureModeId[] = defaultKnowledge().modes.map((m) => m.id)): QuestionTree {
  const tree = parseDataFile(file, QuestionTree);
  const problems = checkTree(tree, modeIds);
  if (problems.length > 0) throw new KnowledgeError(`${file}: ${problems.join('; ')}`);
  return tree;
}

/** Every path from the start to a leaf, as the answers taken. */
export function allPaths(tree: QuestionTree): Array<{ answers: Array<{ questionId: string; answerId: string }>; leaf: Answer }> {
  const byId = new Map(tree.questions.map((q) => [q.id, q]));
  const out: Array<{ answers: Array<{ questionId: string; answerId: string }>; leaf: Answer }> = [];
  const walk = (id: string, taken: Array<{ questionId: string; answerId: string }>) => {
    const q = byId.get(id);
    if (!q) return;
    for (const a of q.answers) {
      const step = [...taken, { questionId: q.id, answerId: a.id }];
      if ('next' in a) walk(a.next, step);
      else out.push({ answers: step, leaf: a });
    }
  };
  walk(tree.start, []);
  return out;
}
