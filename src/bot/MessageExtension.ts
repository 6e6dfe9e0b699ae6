import type { MessagingExtensionAction, MessagingExtensionActionResponse, MessagingExtensionQuery, MessagingExtensionResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { asAttachment } from '../cards/expandCard';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { renderNotRecognisedCard } from '../cards/renderNotRecognisedCard';
import { searchFailureModes, toPlainText, type Lang, type Matcher } from '../knowledge';
import { redactSecrets } from '../knowledge/redactSecrets';
import type { Metrics } from '../metrics';

export const DIAGNOSE_MESSAGE_COMMAND = 'diagnoseMessage';
export const SEARCH_COMMAND = 'searchFailureModes';
const MAX_RESULTS = 9;
/** The search's parameters; a malformed list is an empty search. */
const SearchParameters = z.array(z.object({ name: z.unknown(), value: z.unknown() }).passthrough()).catch([]);

function errorResponse(text: string): MessagingExtensionResponse {
  return { composeExtension: { type: 'message', text } };
}

/** The message action "Diagnose this error" and the "Search failure modes" search command. */
export class MessageExtension {
  constructor(
    private readonly matcher: Matcher,
    private readonly metrics: Metrics,
    private readonly languageOf: (context: TurnContext, text: string) => Lang,
    private readonly unknownCommand: (lang: Lang) => string,
  ) {}

  async submitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    // The action's own "Error text" box wins; left empty, the message the action was started on.
    const typed = (action.data as { errorText?: unknown } | undefined)?.errorText;
    const content: unknown = action.messagePayload?.body?.content;
    const body = typeof typed === 'string' && typed.trim() !== '' ? typed : typeof content === 'string' ? content : '';
    const lang = this.languageOf(context, body);
    if (action.commandId !== DIAGNOSE_MESSAGE_COMMAND) return errorResponse(this.unknownCommand(lang));
    const { text, kinds } = redactSecrets(toPlainText(body).slice(0, 100 * 1024));
    const diagnosis = this.matcher.diagnose(text);
    const match = diagnosis.match;
    const mode = match ? this.matcher.modeById(match.id) : undefined;
    if (match && mode) this.metrics.diagnosed(mode.id);
    else this.metrics.notRecognisedPaste();
    const card =
      match && mode
        ? renderDiagnosisCard({ lang, mode, confidence: match.confidence, facts: match.facts, others: diagnosis.candidates.filter((c) => c.id !== mode.id && c.confidence >= 0.1), diagnosisId: '', secretKinds: kinds })
        : renderNotRecognisedCard({ lang, modes: this.matcher.modes, closest: diagnosis.candidates, pastedText: text, secretKinds: kinds });
    return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [asAttachment(card)] } };
  }

  async query(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    const words = SearchParameters.parse(query.parameters).find((p) => p.name === 'query')?.value;
    const text = typeof words === 'string' ? words : '';
    const lang = this.languageOf(context, text);
    if (query.commandId !== SEARCH_COMMAND) return errorResponse(this.unknownCommand(lang));
    const found = searchFailureModes(this.matcher.modes, text).slice(0, MAX_RESULTS);
    return {
      composeExtension: {
        type: 'result',
        attachmentLayout: 'list',
        attachments: found.map((mode) => ({
          ...asAttachment(renderDiagnosisCard({ lang, mode, confidence: null, facts: {}, others: [], diagnosisId: '' })),
          preview: { contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: mode.title[lang], text: mode.summary[lang] } },
        })),
      },
    };
  }
}
