import { z } from 'zod';
import { toPlainText } from './normalizeText';

export const Command = z.enum(['help', 'troubleshoot', 'list', 'cancel', 'restart', 'back', 'supportChannel', 'tickets']);
export type Command = z.infer<typeof Command>;

const WORDS: ReadonlyArray<[Command, readonly string[]]> = [
  ['help', ['help', '/help', '?', 'menu', '도움말', '도움', '헬프']],
  ['troubleshoot', ['troubleshoot', '/troubleshoot', 'troubleshooting', 'guided troubleshooting', '문제 해결', '문제해결', '단계별 문제 해결']],
  ['list', ['list', '/list', 'modes', '목록', '오류 목록']],
  ['cancel', ['cancel', '/cancel', 'stop', 'quit', '취소', '그만']],
  ['restart', ['start over', 'restart', '처음부터', '다시 시작']],
  ['back', ['back', '뒤로', '이전']],
  ['supportChannel', ['support channel', '/support channel', 'supportchannel', '지원 채널', '지원채널']],
  ['tickets', ['tickets', '/tickets', 'ticket list', '티켓', '티켓 목록']],
];
const LOOKUP = new Map<string, Command>(WORDS.flatMap(([command, words]) => words.map((w) => [w, command] as const)));

/** Longer than any command with its surrounding space and markup: a paste, not worth folding. */
const MAX_COMMAND_LENGTH = 200;

/** An exact command, ignoring case, surrounding space and trailing punctuation; anything else is not a command. */
export function parseCommand(text: string): Command | undefined {
  if (text.length > MAX_COMMAND_LENGTH) return undefined;
  const key = toPlainText(text).trim().toLowerCase().replace(/[.!?。！？]+$/u, '').replace(/\s+/g, ' ');
  return LOOKUP.get(key);
}
