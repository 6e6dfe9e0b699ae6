import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultKnowledge, diagnose, type Frame } from '../../src/knowledge';
import { fixturePath } from '../helpers/fixtures';

/** Error messages that are none of the failure modes, per language (test/fixtures/unrelated-messages.json). */
const UnrelatedMessages = z
  .object({
    note: z.string(),
    messages: z.record(z.array(z.object({ text: z.string().min(5), source: z.string().min(1) }).strict()).min(1)),
  })
  .strict();

const unrelated = UnrelatedMessages.parse(JSON.parse(readFileSync(fixturePath('unrelated-messages.json'), 'utf8'))).messages;

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
function framed(frame: Frame, message: string): string {
  const slot = frame.text.includes('{message}') ? 'message' : frame.text.includes('{name}') ? 'name' : undefined;
  const filled = frame.text.replace(/\{([a-z][a-zA-Z]*)\}/g, (whole, key: string) => (key === slot ? message : (FILL[key] ?? whole)));
  if (slot) return filled;
  // A frame without a slot stands beside the message: the help sentence after it, the record lines below it.
  return frame.id === 'aggregate' ? `${filled}: ${message}` : `${message}\n${filled}`;
}

describe('generated: every frame around an unrelated message abstains', () => {
  const english = unrelated.en ?? [];
  for (const { lang, frames } of defaultKnowledge().frames) {
    const messages = lang === 'en' ? english : [...(unrelated[lang] ?? []), ...english];
    describe(`${lang} frames`, () => {
      for (const frame of frames) {
        for (const message of messages) {
          const text = framed(frame, message.text);
          it(`${frame.id} × ${message.text.slice(0, 40)}`, () => {
            const { match, candidates } = diagnose(text);
            assert.equal(match, null, `claimed ${match?.id} ${match?.confidence} (candidates ${JSON.stringify(candidates.slice(0, 2))}) for: ${text}`);
          });
        }
      }
    });
  }
});
