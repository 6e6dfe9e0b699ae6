import { strict as assert } from 'node:assert';
import { MAX_CARD_BYTES, type CardJson } from '../../src/cards/expandCard';
import { renderSupportChannelCard } from '../../src/cards/renderSupportChannelCard';
import { renderSupportRequestCard } from '../../src/cards/renderSupportRequestCard';
import { renderTicketCard } from '../../src/cards/renderTicketCard';
import { MAX_LISTED_TICKETS, renderTicketListCard } from '../../src/cards/renderTicketListCard';
import { defaultKnowledge, LANGS, type FailureMode } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { MAX_NOTE_LENGTH, type Ticket } from '../../src/tickets/Ticket';
import { actionsIn, cardObjects, parseCard, stringSites } from '../helpers/adaptiveCards';
import { EXPERT, supportChannel, ticket } from '../helpers/tickets';

const mode = defaultKnowledge().modes.find((m) => m.id === 'logon-failed') as FailureMode;
const NOW = new Date('2025-01-15T12:00:00.000Z');
const open = ticket('contoso', mode, { stepsTaken: ['Open the session with the new credential.'] });
const assigned: Ticket = { ...open, status: 'assigned', assignee: EXPERT };
const resolved: Ticket = { ...assigned, status: 'resolved', resolution: { by: EXPERT, at: NOW.toISOString(), note: 'Password reset.' } };
const HOSTILE = ['${ticketId}', '${1+1}', '[click](https://evil.example)', '<at>Everyone</at>', '**bold**'];

function assertTeamsReady(card: CardJson): void {
  assert.deepEqual(parseCard(card), { errors: [], warnings: [] });
  assert.equal(card.version, '1.5');
  assert.equal((card.msteams as { width?: unknown }).width, 'Full');
  const bytes = Buffer.byteLength(JSON.stringify(card));
  assert.ok(bytes < MAX_CARD_BYTES, `card is ${bytes} bytes`);
}

const verbs = (card: CardJson) => actionsIn(card).flatMap((a) => (a.data ? [(a.data as { verb?: unknown }).verb] : []));

/** Text from outside (a paste, a note, a step) only where Teams shows text as it is. */
function assertOnlyVerbatim(card: CardJson, text: string): void {
  const sites = stringSites(card).filter((s) => s.value.includes(text));
  assert.ok(sites.length > 0, `${JSON.stringify(text)} is not in the card`);
  for (const site of sites) {
    const verbatim = (site.ownerType === 'TextRun' && site.parentType === 'RichTextBlock') || (site.ownerType === 'CodeBlock' && site.key === 'codeSnippet');
    assert.ok(verbatim, `${JSON.stringify(text)} appears in ${site.ownerType ?? 'the card'}.${site.key}`);
  }
}

describe('ticket cards', () => {
  for (const lang of LANGS) {
    describe(lang, () => {
      it('an open ticket offers "Assign to me" and "Resolve" with a bounded note, each carrying the ticket id', () => {
        const card = renderTicketCard({ lang, ticket: open, mode, mentionRequester: false });
        assertTeamsReady(card);
        assert.deepEqual(verbs(card), ['ticketAssign', 'ticketResolve']);
        for (const action of actionsIn(card).filter((a) => a.type === 'Action.Submit')) assert.equal((action.data as { ticketId?: unknown }).ticketId, 'CD-1001');
        const note = cardObjects(card).find((o) => o.type === 'Input.Text');
        assert.equal(note?.id, 'note');
        assert.equal(note?.maxLength, MAX_NOTE_LENGTH);
        assert.ok(stringSites(card).some((s) => s.value === t(lang, 'card.ticket.status.open')));
      });

      it('an assigned ticket says who has it and offers only "Resolve"', () => {
        const card = renderTicketCard({ lang, ticket: assigned, mode, mentionRequester: false });
        assertTeamsReady(card);
        assert.deepEqual(verbs(card), ['ticketResolve']);
        assert.ok(stringSites(card).some((s) => s.value === t(lang, 'card.ticket.status.assigned', { name: 'Lee Ji-eun' })));
      });

      it('a resolved ticket shows who resolved it and the note, and offers only "Reopen"', () => {
        const card = renderTicketCard({ lang, ticket: resolved, mode, mentionRequester: false });
        assertTeamsReady(card);
        assert.deepEqual(verbs(card), ['ticketReopen']);
        assertOnlyVerbatim(card, 'Password reset.');
        assert.equal(cardObjects(card).filter((o) => o.type === 'Input.Text').length, 0);
      });

      it('shows the requester, the confidence, the facts, the error text, the steps and the article link', () => {
        const card = renderTicketCard({ lang, ticket: open, mode, mentionRequester: false });
        const texts = stringSites(card).map((s) => s.value);
        assert.ok(texts.includes('Ken Myer'));
        assert.ok(texts.some((s) => s.includes('93%')));
        assert.ok(texts.includes('kenmyer@litwareinc.com'));
        assert.ok(cardObjects(card).some((o) => o.type === 'CodeBlock' && o.codeSnippet === mode.errorText));
        assert.ok(texts.includes('Open the session with the new credential.'));
        assert.ok(texts.some((s) => s.includes(`](${mode.article.url})`)));
      });

      it('a guided ticket names the path it took instead of a confidence, and has no error text', () => {
        const card = renderTicketCard({ lang, ticket: { ...open, source: 'guided', confidence: undefined, redactedText: undefined }, mode, mentionRequester: false });
        assertTeamsReady(card);
        const texts = stringSites(card).map((s) => s.value);
        assert.ok(texts.includes(t(lang, 'card.ticket.fromGuided')));
        assert.ok(texts.includes(t(lang, 'card.ticket.guidedPathLabel')));
        assert.equal(cardObjects(card).filter((o) => o.type === 'CodeBlock').length, 0);
      });

      it('in a Teams channel mentions the requester with a mention entity', () => {
        const card = renderTicketCard({ lang, ticket: open, mode, mentionRequester: true });
        assertTeamsReady(card);
        const entities = (card.msteams as { entities?: unknown }).entities;
        assert.deepEqual(entities, [{ type: 'mention', text: '<at>Ken Myer</at>', mentioned: { id: '29:user-a', name: 'Ken Myer' } }]);
        assert.ok(cardObjects(card).some((o) => o.type === 'TextBlock' && o.text === '<at>Ken Myer</at>'));
      });

      it('shows hostile text from a card submit verbatim, never as Markdown or an expression', () => {
        const hostile = HOSTILE.join(' ');
        const card = renderTicketCard({
          lang,
          ticket: { ...resolved, redactedText: `Import-Module : ${hostile}`, stepsTaken: [`step ${hostile}`], resolution: { by: EXPERT, at: NOW.toISOString(), note: `note ${hostile}` }, facts: { cmdlet: hostile } },
          mode,
          mentionRequester: false,
        });
        assertTeamsReady(card);
        for (const piece of HOSTILE) assertOnlyVerbatim(card, piece);
      });

      it('stays under the size limit with the longest paste, steps and note, in any script', () => {
        for (const filler of ['New-PSSession : Connecting to remote server failed. ', '원격 서버에 연결하지 못했습니다. ']) {
          const long = filler.repeat(200);
          const card = renderTicketCard({
            lang,
            ticket: {
              ...resolved,
              redactedText: long.slice(0, 3000),
              stepsTaken: Array.from({ length: 40 }, () => long.slice(0, 600)),
              resolution: { by: EXPERT, at: NOW.toISOString(), note: long.slice(0, MAX_NOTE_LENGTH) },
              history: Array.from({ length: 20 }, () => ({ action: 'reopened' as const, by: EXPERT, at: NOW.toISOString() })),
            },
            mode,
            mentionRequester: true,
          });
          assertTeamsReady(card);
          assert.ok(stringSites(card).some((s) => s.value === t(lang, 'card.ticket.moreSteps', { n: 30 })));
        }
      });

      it('the list of open tickets shows number, age and assignee, newest first as given, at most 15', () => {
        const many = Array.from({ length: 20 }, (_, i) => ({ ticket: { ...assigned, id: `CD-${1020 - i}` }, modeTitle: mode.title[lang] }));
        const card = renderTicketListCard({ lang, scope: 'open', tickets: many, now: NOW });
        assertTeamsReady(card);
        const headings = cardObjects(card).filter((o) => o.type === 'TextBlock' && String(o.text).startsWith('CD-'));
        assert.equal(headings.length, MAX_LISTED_TICKETS);
        assert.equal(headings[0]?.text, `CD-1020 · ${mode.title[lang]}`);
        const details = stringSites(card).find((s) => s.value.includes(t(lang, 'card.ticket.status.assigned', { name: 'Lee Ji-eun' })))?.value ?? '';
        assert.ok(details.startsWith(t(lang, 'card.tickets.ageHours', { n: 2 })), details);
        assert.ok(stringSites(card).some((s) => s.value === t(lang, 'card.tickets.more', { shown: 15, total: 20 })));
      });

      it('the empty lists say so', () => {
        for (const scope of ['open', 'mine'] as const) {
          const card = renderTicketListCard({ lang, scope, tickets: [], now: NOW });
          assertTeamsReady(card);
          assert.ok(stringSites(card).some((s) => s.value === t(lang, scope === 'open' ? 'card.tickets.noneOpen' : 'card.tickets.noneMine')));
        }
      });

      it('the support channel card offers to set, replace or stop, as the conversation allows', () => {
        const cases = [
          { input: { isHere: false, canSetHere: true }, verbs: ['supportChannelSet'] },
          { input: { current: supportChannel(), isHere: false, canSetHere: true }, verbs: ['supportChannelSet'] },
          { input: { current: supportChannel(), isHere: true, canSetHere: true }, verbs: ['supportChannelStop'] },
          { input: { current: supportChannel(), isHere: false, canSetHere: false }, verbs: [] },
        ];
        for (const { input, verbs: expected } of cases) {
          const card = renderSupportChannelCard({ lang, ...input });
          assertTeamsReady(card);
          assert.deepEqual(verbs(card), expected, JSON.stringify(input));
        }
        const replace = renderSupportChannelCard({ lang, current: supportChannel(), isHere: false, canSetHere: true });
        assert.equal(actionsIn(replace)[0]?.title, t(lang, 'card.supportChannel.action.replace'));
      });

      it('the support request offers "Send to the support channel" only when asked to, carrying the context', () => {
        const context = { source: 'paste' as const, confidence: 0.9, redactedText: mode.errorText, facts: {}, stepsTaken: [] };
        const input = { lang, mode, redactedErrorText: mode.errorText, facts: {}, stepsTried: [], at: NOW };
        assert.deepEqual(verbs(renderSupportRequestCard(input)), []);
        const card = renderSupportRequestCard({ ...input, escalate: { diagnosisId: 'd-1', context } });
        assertTeamsReady(card);
        assert.deepEqual(actionsIn(card).map((a) => a.data), [{ verb: 'escalate', failureMode: mode.id, diagnosisId: 'd-1', context }]);
      });

      it('the support request with its escalation stays under the size limit with the longest paste', () => {
        const long = '원격 서버에 연결하지 못했습니다. '.repeat(200).slice(0, 3000);
        const context = { source: 'paste' as const, confidence: 0.9, redactedText: long, facts: {}, stepsTaken: [] };
        assertTeamsReady(renderSupportRequestCard({ lang, mode, redactedErrorText: long, facts: {}, stepsTried: [], at: NOW, escalate: { context } }));
      });
    });
  }
});
