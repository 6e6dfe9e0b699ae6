import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PasteDiagnosis } from '../src/bot/PasteDiagnosis';
import type { CardJson } from '../src/cards/expandCard';
import { renderDiagnosisCard } from '../src/cards/renderDiagnosisCard';
import { renderFeedbackAckCard } from '../src/cards/renderFeedbackAckCard';
import { renderHelpCard } from '../src/cards/renderHelpCard';
import { renderListCard } from '../src/cards/renderListCard';
import { renderNoneOutcomeCard } from '../src/cards/renderNoneOutcomeCard';
import { renderNotRecognisedCard } from '../src/cards/renderNotRecognisedCard';
import { renderQuestionCard } from '../src/cards/renderQuestionCard';
import { renderSupportChannelCard } from '../src/cards/renderSupportChannelCard';
import { renderSupportRequestCard } from '../src/cards/renderSupportRequestCard';
import { renderTicketCard } from '../src/cards/renderTicketCard';
import { renderTicketListCard } from '../src/cards/renderTicketListCard';
import { renderWelcomeCard } from '../src/cards/renderWelcomeCard';
import { defaultKnowledge, defaultMatcher, extractFacts, LANGS, loadQuestionTree, type Candidate, type FailureMode, type Lang } from '../src/knowledge';
import { Metrics } from '../src/metrics';
import type { SupportChannel } from '../src/tickets/SupportChannel';
import type { Ticket } from '../src/tickets/Ticket';
import hostConfig from './teamsHostConfig.json';

/** One card on the gallery page. */
export interface GalleryCard {
  /** Unique on the page; becomes the section's data-card-id. */
  id: string;
  heading: string;
  lang: Lang;
  /** The template's file name in src/cards/templates, without ".json": lets a test see that every template is shown. */
  template: string;
  card: CardJson;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_OUT_DIR = join(REPO_ROOT, 'build', 'cards-preview');
/** The paste the README quotes and its CLI examples read; docs/diagnosis-card.png is the bot's reply to it. */
export const README_PASTE_FILE = join(REPO_ROOT, 'examples', 'logon-failed.txt');
export const SCREENSHOT_CARD_ID = 'readme-paste-en';
export const TICKET_SCREENSHOT_CARD_ID = 'ticket-assigned-en';

const SAMPLE_TIME = new Date('2025-01-15T09:30:00Z');
const SAMPLE_PASTE =
  'New-PSSession : [admin0.online.lync.com] Connecting to remote server admin0.online.lync.com failed\n' +
  'with the following error message : The WinRM client cannot process the request. (code 0x80338012)';

const KEN = { id: '29:ken', name: 'Ken Myer', aadObjectId: 'aad-ken' };
const JIEUN = { id: '29:jieun', name: 'Lee Ji-eun', aadObjectId: 'aad-jieun' };
const TEAMS_URL = 'https://smba.trafficmanager.net/teams/';
const BOT = { id: '28:connector-doctor', name: 'Connector Doctor' };

/** A ticket from a pasted logon failure, as the support channel sees it in each of its states. */
function sampleTicket(lang: Lang, mode: FailureMode, status: Ticket['status']): Ticket {
  const at = (minutes: number) => new Date(SAMPLE_TIME.getTime() + minutes * 60_000).toISOString();
  const ticket: Ticket = {
    id: 'CD-1042',
    tenantId: 'gallery',
    requestKey: 'gallery',
    status: 'open',
    failureMode: mode.id,
    source: 'paste',
    confidence: 0.93,
    facts: extractFacts(mode.errorText),
    redactedText: `${mode.errorText}
$cred = Get-Credential -UserName kenmyer@litwareinc.com -Password [REDACTED]`,
    stepsTaken: mode.fix.slice(0, 2).map((s) => s.text[lang]),
    requester: KEN,
    requesterAddress: { channelId: 'msteams', serviceUrl: TEAMS_URL, conversation: { id: 'a:ken', conversationType: 'personal' }, bot: BOT },
    requesterLang: lang,
    openedAt: at(0),
    history: [{ action: 'opened', by: KEN, at: at(0) }],
    delivery: 'posted',
  };
  if (status === 'open') return ticket;
  const assigned: Ticket = { ...ticket, status: 'assigned', assignee: JIEUN, history: [...ticket.history, { action: 'assigned', by: JIEUN, at: at(4) }] };
  if (status === 'assigned') return assigned;
  const note = lang === 'ko' ? '관리자 계정의 암호가 만료되어 재설정했습니다.' : "The admin account's password had expired; reset it and signed in again.";
  return { ...assigned, status: 'resolved', resolution: { by: JIEUN, at: at(38), note }, history: [...assigned.history, { action: 'resolved', by: JIEUN, at: at(38) }] };
}

function sampleChannel(lang: Lang): SupportChannel {
  return {
    address: { channelId: 'msteams', serviceUrl: TEAMS_URL, conversation: { id: '19:support@thread.tacv2', conversationType: 'channel' }, bot: BOT },
    channelName: lang === 'ko' ? '커넥터 지원' : 'Connector support',
    teamName: 'IT Operations',
    lang,
    setBy: JIEUN,
    setAt: SAMPLE_TIME.toISOString(),
  };
}

function others(modes: readonly FailureMode[], mode: FailureMode): Candidate[] {
  return modes
    .filter((m) => m.id !== mode.id && m.stage === mode.stage)
    .slice(0, 2)
    .map((m, i) => ({ id: m.id, confidence: 0.4 - i * 0.1 }));
}

const packOf = (mode: FailureMode) => defaultMatcher().packOf(mode);

/** What the bot answers to the README's paste, through the code it answers every paste with. */
export function readmePasteCard(): CardJson {
  const pastes = new PasteDiagnosis(defaultMatcher(), new Metrics());
  return pastes.card('en', pastes.read(readFileSync(README_PASTE_FILE, 'utf8')));
}

/** Every card the bot sends: its reply to the README's paste first, then every card in every language with realistic sample data. */
export function galleryCards(): GalleryCard[] {
  const readme: GalleryCard = {
    id: SCREENSHOT_CARD_ID,
    heading: "The bot's reply to the README's paste (examples/logon-failed.txt)",
    lang: 'en',
    template: 'diagnosisCard',
    card: readmePasteCard(),
  };
  return [readme, ...cardsInEveryLanguage()];
}

function cardsInEveryLanguage(): GalleryCard[] {
  const { modes, packs } = defaultKnowledge();
  const tree = loadQuestionTree();
  const first = modes[0];
  if (!first) throw new Error('the knowledge base has no failure modes');
  const start = tree.questions.find((q) => q.id === tree.start) ?? tree.questions[0];
  const withCommand = tree.questions.find((q) => q.check?.command) ?? start;
  if (!start || !withCommand) throw new Error('the question tree has no questions');
  const ticketMode = modes.find((m) => m.id === 'logon-failed') ?? first;
  const later = new Date(SAMPLE_TIME.getTime() + 3 * 3600_000);

  return LANGS.flatMap((lang): GalleryCard[] => [
    ...modes.map((mode) => ({
      id: `diagnosis-${mode.id}-${lang}`,
      heading: `Diagnosis: ${mode.id}`,
      lang,
      template: 'diagnosisCard',
      card: renderDiagnosisCard({ lang, mode, pack: packOf(mode), confidence: 0.93, facts: extractFacts(mode.errorText), others: others(modes, mode), diagnosisId: 'gallery' }),
    })),
    {
      id: `diagnosis-guided-with-secret-warning-${lang}`,
      heading: `Diagnosis from the guided flow, with a secret warning: ${first.id}`,
      lang,
      template: 'diagnosisCard',
      card: renderDiagnosisCard({ lang, mode: first, pack: packOf(first), confidence: 1, facts: {}, others: [], diagnosisId: 'gallery', fromGuided: true, secretKinds: ['password'] }),
    },
    { id: `welcome-${lang}`, heading: 'Welcome', lang, template: 'welcomeCard', card: renderWelcomeCard(lang, first) },
    { id: `help-${lang}`, heading: 'Help', lang, template: 'helpCard', card: renderHelpCard(lang) },
    { id: `list-${lang}`, heading: 'Known failure modes', lang, template: 'listCard', card: renderListCard(lang, packs, modes) },
    {
      id: `not-recognised-${lang}`,
      heading: 'Not recognised (with a paste, closest candidates and a secret warning)',
      lang,
      template: 'notRecognisedCard',
      card: renderNotRecognisedCard({
        lang,
        packs,
        modes,
        closest: modes.slice(0, 2).map((m, i) => ({ id: m.id, confidence: 0.45 - i * 0.1 })),
        pastedText: SAMPLE_PASTE,
        secretKinds: ['password'],
      }),
    },
    {
      id: `support-request-${lang}`,
      heading: 'Support request',
      lang,
      template: 'supportRequestCard',
      card: renderSupportRequestCard({
        lang,
        mode: first,
        redactedErrorText: first.errorText,
        facts: extractFacts(first.errorText),
        stepsTried: first.fix.map((s) => s.text[lang]),
        at: SAMPLE_TIME,
      }),
    },
    {
      id: `support-request-with-escalation-${lang}`,
      heading: 'Support request, when the organisation has a support channel',
      lang,
      template: 'supportRequestCard',
      card: renderSupportRequestCard({
        lang,
        mode: ticketMode,
        redactedErrorText: ticketMode.errorText,
        facts: extractFacts(ticketMode.errorText),
        stepsTried: [],
        at: SAMPLE_TIME,
        escalate: { diagnosisId: 'gallery', context: { source: 'paste', confidence: 0.93, redactedText: ticketMode.errorText, facts: extractFacts(ticketMode.errorText), stepsTaken: [] } },
      }),
    },
    ...(['open', 'assigned', 'resolved'] as const).map((status) => ({
      id: `ticket-${status}-${lang}`,
      heading: `Ticket in the support channel: ${status}`,
      lang,
      template: 'ticketCard',
      card: renderTicketCard({ lang, ticket: sampleTicket(lang, ticketMode, status), mode: ticketMode, mentionRequester: false }),
    })),
    {
      id: `ticket-guided-${lang}`,
      heading: 'Ticket from guided troubleshooting',
      lang,
      template: 'ticketCard',
      card: renderTicketCard({
        lang,
        ticket: { ...sampleTicket(lang, first, 'open'), source: 'guided', confidence: undefined, facts: {}, redactedText: undefined, stepsTaken: [start.text[lang], withCommand.text[lang]] },
        mode: first,
        mentionRequester: false,
      }),
    },
    {
      id: `tickets-open-${lang}`,
      heading: 'Open tickets (in the support channel)',
      lang,
      template: 'ticketListCard',
      card: renderTicketListCard({
        lang,
        scope: 'open',
        tickets: [
          { ticket: { ...sampleTicket(lang, ticketMode, 'open'), id: 'CD-1043', openedAt: new Date(later.getTime() - 25 * 60_000).toISOString() }, modeTitle: ticketMode.title[lang] },
          { ticket: sampleTicket(lang, ticketMode, 'assigned'), modeTitle: ticketMode.title[lang] },
        ],
        now: later,
      }),
    },
    {
      id: `tickets-mine-${lang}`,
      heading: 'Your tickets (in a personal chat)',
      lang,
      template: 'ticketListCard',
      card: renderTicketListCard({
        lang,
        scope: 'mine',
        tickets: [
          { ticket: { ...sampleTicket(lang, first, 'open'), id: 'CD-1044', delivery: 'failed' }, modeTitle: first.title[lang] },
          { ticket: sampleTicket(lang, ticketMode, 'resolved'), modeTitle: ticketMode.title[lang] },
        ],
        now: new Date(later.getTime() + 3 * 24 * 3600_000),
      }),
    },
    { id: `tickets-none-${lang}`, heading: 'No open tickets', lang, template: 'ticketListCard', card: renderTicketListCard({ lang, scope: 'open', tickets: [], now: later }) },
    { id: `support-channel-none-${lang}`, heading: 'Support channel: none yet', lang, template: 'supportChannelCard', card: renderSupportChannelCard({ lang, isHere: false, canSetHere: true }) },
    {
      id: `support-channel-here-${lang}`,
      heading: 'Support channel: this channel',
      lang,
      template: 'supportChannelCard',
      card: renderSupportChannelCard({ lang, current: sampleChannel(lang), isHere: true, canSetHere: true }),
    },
    {
      id: `support-channel-elsewhere-${lang}`,
      heading: 'Support channel: another channel, asked in a personal chat',
      lang,
      template: 'supportChannelCard',
      card: renderSupportChannelCard({ lang, current: sampleChannel(lang), isHere: false, canSetHere: false }),
    },
    { id: `feedback-helpful-${lang}`, heading: 'Feedback acknowledged (helpful)', lang, template: 'feedbackAckCard', card: renderFeedbackAckCard(lang, first, true, 'gallery') },
    { id: `feedback-not-helpful-${lang}`, heading: 'Feedback acknowledged (not helpful)', lang, template: 'feedbackAckCard', card: renderFeedbackAckCard(lang, first, false, 'gallery') },
    { id: `question-start-${lang}`, heading: `Guided question: ${start.id}`, lang, template: 'questionCard', card: renderQuestionCard({ lang, question: start, flowId: 'gallery', step: 1 }) },
    {
      id: `question-with-check-${lang}`,
      heading: `Guided question with a check: ${withCommand.id}`,
      lang,
      template: 'questionCard',
      card: renderQuestionCard({ lang, question: withCommand, flowId: 'gallery', step: 2 }),
    },
    {
      id: `none-outcome-${lang}`,
      heading: 'Guided flow: none of the documented causes',
      lang,
      template: 'noneOutcomeCard',
      card: renderNoneOutcomeCard(lang, tree, [start.text[lang], withCommand.text[lang]]),
    },
  ]);
}

const STYLE = `
  body { margin: 0; padding: 24px; background: #F0F0F0; color: #242424;
    font-family: 'Segoe UI', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', 'Malgun Gothic', 'Noto Sans CJK KR', sans-serif; }
  h1 { font-size: 24px; font-weight: 600; margin: 0 0 8px; }
  h2.lang { font-size: 20px; font-weight: 600; margin: 32px 0 8px; }
  section { max-width: 880px; margin: 0 0 24px; padding: 12px 16px 16px; background: #F5F5F5; border-radius: 8px; }
  section > h3 { font-size: 14px; font-weight: 600; margin: 0 0 8px; color: #616161; }
  .card-host { background: #FFFFFF; border: 1px solid #E1DFDD; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.14); overflow: hidden; }
  .render-error { color: #C4314B; white-space: pre-wrap; font-family: Consolas, monospace; font-size: 12px; }
  .action-log { font-family: Consolas, monospace; font-size: 12px; color: #616161; margin: 8px 0 0; white-space: pre-wrap; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; min-height: 32px; padding: 4px 12px; cursor: pointer;
    background: #FFFFFF; color: #242424; border: 1px solid #D1D1D1; border-radius: 4px; }
  .ac-pushButton:hover { background: #F5F5F5; }
  .code-block { margin: 0; border: 1px solid #E0E0E0; border-radius: 4px; background: #FAFAFA; overflow: hidden; }
  .code-block .code-language { font-size: 12px; color: #616161; padding: 4px 8px; border-bottom: 1px solid #E0E0E0; background: #F5F5F5; }
  .code-block pre { margin: 0; padding: 8px; font-family: Consolas, Menlo, 'Courier New', monospace; font-size: 12px; line-height: 16px;
    white-space: pre-wrap; overflow-wrap: anywhere; }
  .ac-textBlock a { color: #5B5FC7; }
  .ac-textBlock p { margin: 0; }
`;

/**
 * Runs in the page: registers Teams' CodeBlock, renders each card into its section and
 * reports in window.__galleryResult. Parse events count as failures, as in the Node tests.
 * Plain JavaScript; no template-literal substitutions, so the page gets it verbatim.
 */
const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var AC = window.AdaptiveCards;
  var cards = JSON.parse(document.getElementById('gallery-cards').textContent);
  var hostConfig = new AC.HostConfig(JSON.parse(document.getElementById('gallery-host-config').textContent));

  class CodeBlock extends AC.CardElement {
    getJsonTypeName() { return 'CodeBlock'; }
    internalRender() {
      var box = document.createElement('div');
      box.className = 'code-block';
      var language = this.getValue(CodeBlock.languageProperty);
      if (language) {
        var label = document.createElement('div');
        label.className = 'code-language';
        label.textContent = language;
        box.appendChild(label);
      }
      var pre = document.createElement('pre');
      pre.textContent = this.getValue(CodeBlock.codeSnippetProperty) || '';
      box.appendChild(pre);
      return box;
    }
  }
  CodeBlock.codeSnippetProperty = new AC.StringProperty(AC.Versions.v1_0, 'codeSnippet', true);
  CodeBlock.languageProperty = new AC.StringProperty(AC.Versions.v1_0, 'language', true);
  CodeBlock.startLineNumberProperty = new AC.NumProperty(AC.Versions.v1_0, 'startLineNumber');
  AC.GlobalRegistry.elements.register('CodeBlock', CodeBlock, AC.Versions.v1_0);

  // Markdown as Web Chat renders it (markdown-it, no raw HTML): a card that relies on a construct
  // renderers disagree on (a list number per TextBlock) shows the difference here.
  var markdown = window.markdownit({ html: false, linkify: false, breaks: true });
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = markdown.render(text);
    result.didProcess = true;
  };

  var result = { total: 0, ok: 0, failed: [] };
  cards.forEach(function (entry) {
    result.total++;
    var section = document.querySelector('section[data-card-id="' + CSS.escape(entry.id) + '"]');
    var host = section.querySelector('.card-host');
    try {
      var card = new AC.AdaptiveCard();
      card.hostConfig = hostConfig;
      var context = new AC.SerializationContext(AC.Versions.v1_5);
      card.parse(entry.card, context);
      var problems = [];
      for (var i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
      if (problems.length > 0) throw new Error(problems.join('; '));
      var log = document.createElement('pre');
      log.className = 'action-log';
      card.onExecuteAction = function (action) {
        log.textContent = 'Action data: ' + JSON.stringify(action.data === undefined ? null : action.data);
      };
      var rendered = card.render();
      if (!rendered) throw new Error('the SDK rendered nothing');
      host.appendChild(rendered);
      section.appendChild(log);
      section.setAttribute('data-rendered', 'ok');
      result.ok++;
    } catch (err) {
      var message = err && err.message ? err.message : String(err);
      section.setAttribute('data-rendered', 'error');
      section.setAttribute('data-error', message);
      var shown = document.createElement('pre');
      shown.className = 'render-error';
      shown.textContent = message;
      host.appendChild(shown);
      result.failed.push({ id: entry.id, error: message });
    }
  });
  window.__galleryResult = result;
})();
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside a <script> element whatever the strings in it contain. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A browser bundle from node_modules, to inline in a <script> element. */
function readBundle(path: string): string {
  const bundle = readFileSync(require.resolve(path), 'utf8');
  // A literal "</script" would end the inline element early.
  return bundle.replace(/<\/script/gi, '<\\/script');
}

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', ko: '한국어 (Korean)' };

/** The whole gallery as one self-contained HTML page: no request leaves the file. */
export function buildGalleryHtml(cards: readonly GalleryCard[]): string {
  const sections = LANGS.map((lang) => {
    const inLang = cards.filter((c) => c.lang === lang);
    const body = inLang
      .map(
        (c) =>
          `<section data-card-id="${escapeHtml(c.id)}" data-template="${escapeHtml(c.template)}" lang="${c.lang}">` +
          `<h3>${escapeHtml(c.heading)} <small>(${escapeHtml(c.id)})</small></h3><div class="card-host"></div></section>`,
      )
      .join('\n');
    return `<h2 class="lang">${escapeHtml(LANGUAGE_NAMES[lang])}</h2>\n${body}`;
  }).join('\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:">',
    '<title>Connector Doctor: card gallery</title>',
    `<style>${STYLE}</style>`,
    `<script>${readBundle('adaptivecards/dist/adaptivecards.min.js')}</script>`,
    `<script>${readBundle('markdown-it/dist/markdown-it.min.js')}</script>`,
    '</head><body>',
    `<h1>Connector Doctor: card gallery (${cards.length} cards)</h1>`,
    sections,
    `<script type="application/json" id="gallery-cards">${scriptJson(cards.map(({ id, card }) => ({ id, card })))}</script>`,
    `<script type="application/json" id="gallery-host-config">${scriptJson(hostConfig)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

/** Writes the gallery page; returns where, and how many cards it holds. */
export function writeCardsPreview(outDir: string = DEFAULT_OUT_DIR): { file: string; total: number } {
  const cards = galleryCards();
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.html');
  writeFileSync(file, buildGalleryHtml(cards));
  return { file, total: cards.length };
}

if (require.main === module) {
  const { file, total } = writeCardsPreview();
  process.stdout.write(`${total} cards written to ${file}\n`);
}
