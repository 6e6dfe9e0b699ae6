import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Frame, KnowledgeBase } from '../../src/knowledge';
import { fixturePath } from './fixtures';

/** Error messages that are none of the failure modes, per language (test/fixtures/unrelated-messages.json). */
const UnrelatedMessages = z
  .object({
    note: z.string(),
    messages: z.record(z.array(z.object({ text: z.string().min(5), source: z.string().min(1) }).strict()).min(1)),
  })
  .strict();

/** Plausible values for a frame's other placeholders; the message goes into {message}, or into {name} when there is no {message}. */
const FILL: Readonly<Record<string, string>> = {
  cmdlet: 'New-PSSession',
  server: 'exchange.contoso.local',
  path: 'C:\\Scripts\\Deploy-Mailboxes.ps1',
  n: '1',
  module: 'ExchangeOnlineManagement',
  name: 'Invoke',
};

/** A paste of the frame around the message. */
export function framed(frame: Frame, message: string): string {
  const slot = frame.text.includes('{message}') ? 'message' : frame.text.includes('{name}') ? 'name' : undefined;
  const filled = frame.text.replace(/\{([a-z][a-zA-Z]*)\}/g, (whole, key: string) => (key === slot ? message : (FILL[key] ?? whole)));
  if (slot) return filled;
  // A frame without a slot stands beside the message: the help sentence after it, the record lines below it.
  return frame.id === 'aggregate' ? `${filled}: ${message}` : `${message}\n${filled}`;
}

/** One generated near-miss: a frame of one language around a message or name that is none of the failure modes. */
export interface FrameSuiteCase {
  readonly lang: string;
  readonly frame: Frame;
  /** unrelated: a message of another error; look-alike: a look-alike error of another product; command: another command's name. */
  readonly kind: 'unrelated' | 'look-alike' | 'command';
  readonly message: string;
  readonly text: string;
}

/**
 * Names of other commands, some ending like a mode's own command (…Teams, …OnlineSession): a
 * frame that says "not recognized" or "not loaded" around them is not that mode.
 */
const OTHER_COMMANDS = ['Connect-ExchangeOnline', 'Connect-MgGraph', 'Connect-PnPOnline', 'Connect-AzAccount', 'New-ExoPSSession', 'Connect-Teams', 'Get-AllTeams', 'Export-Teams', 'Get-MySession', 'Invoke'];

/**
 * Every frame of every language around every unrelated message of that language and of English
 * (an English message inside a localized frame is what a localized Windows prints for an English
 * module); every frame that holds a message around every look-alike error; every frame that holds
 * a name around other commands' names. The matcher must abstain on all of them.
 */
export function frameSuite(knowledge: Pick<KnowledgeBase, 'frames' | 'background'>): FrameSuiteCase[] {
  const unrelated = UnrelatedMessages.parse(JSON.parse(readFileSync(fixturePath('unrelated-messages.json'), 'utf8'))).messages;
  const english = unrelated.en ?? [];
  return knowledge.frames.flatMap(({ lang, frames }) => {
    const messages = lang === 'en' ? english : [...(unrelated[lang] ?? []), ...english];
    return frames.flatMap((frame) => {
      const cases: FrameSuiteCase[] = messages.map(({ text }) => ({ lang, frame, kind: 'unrelated', message: text, text: framed(frame, text) }));
      if (frame.text.includes('{message}')) {
        for (const { text } of knowledge.background.texts) cases.push({ lang, frame, kind: 'look-alike', message: text, text: framed(frame, text) });
      } else if (frame.text.includes('{name}')) {
        for (const name of OTHER_COMMANDS) cases.push({ lang, frame, kind: 'command', message: name, text: framed(frame, name) });
      }
      return cases;
    });
  });
}
