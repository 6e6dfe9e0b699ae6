import { strict as assert } from 'node:assert';
import { parseCommand } from '../../src/knowledge/parseCommand';

describe('parseCommand', () => {
  const commands: Array<[string, string]> = [
    ['help', 'help'],
    ['  Help! ', 'help'],
    ['도움말', 'help'],
    ['<p>help</p>', 'help'],
    ['troubleshoot', 'troubleshoot'],
    ['문제 해결', 'troubleshoot'],
    ['문제해결', 'troubleshoot'],
    ['LIST', 'list'],
    ['목록', 'list'],
    ['&nbsp;list', 'list'],
    ['cancel', 'cancel'],
    ['취소', 'cancel'],
    ['start over', 'restart'],
    ['support channel', 'supportChannel'],
    ['Support Channel.', 'supportChannel'],
    ['지원 채널', 'supportChannel'],
    ['tickets', 'tickets'],
    ['티켓', 'tickets'],
  ];
  for (const [text, expected] of commands) it(`"${text}" is ${expected}`, () => assert.equal(parseCommand(text), expected));

  const notCommands = [
    'help me with this error',
    'troubleshoot please',
    'Get-CsWebTicket : Logon failed',
    '',
    'listing',
    `help${' '.repeat(300)}`,
    'which is our support channel?',
    'Get-CsWebTicket : tickets',
  ];
  for (const text of notCommands) it(`"${text.slice(0, 30)}" is not a command`, () => assert.equal(parseCommand(text), undefined));
});
