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

export const SmallTalk = z.enum(['greeting', 'thanks']);
export type SmallTalk = z.infer<typeof SmallTalk>;

const GREETING = /^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|안녕|안녕하세요|안녕하십니까|반갑습니다)(?: (?:there|all|everyone|team|bot|connector doctor))?$/u;
const THANKS =
  /^(?:thanks|thank you|thx|ty|cheers|감사합니다|고맙습니다|고마워요|고마워|감사해요)(?: (?:a lot|so much|very much|again))?(?:,? (?:that|it) (?:fixed it|worked|helped))?$/u;

/** A greeting or a thank-you and nothing else ("hello there", "thanks, that fixed it!", "감사합니다"); anything longer is not small talk. */
export function parseSmallTalk(text: string): SmallTalk | undefined {
  if (text.length > MAX_COMMAND_LENGTH) return undefined;
  const key = toPlainText(text)
    .trim()
    .toLowerCase()
    .replace(/[\s.!?~^:)(😊🙂👍🙏。！？]+$/u, '')
    .replace(/\s+/g, ' ');
  if (GREETING.test(key)) return 'greeting';
  if (THANKS.test(key)) return 'thanks';
  return undefined;
}
