import type { MessagingExtensionAction, MessagingExtensionActionResponse, MessagingExtensionQuery, MessagingExtensionResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { asAttachment } from '../cards/expandCard';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { searchFailureModes, type Lang, type Matcher } from '../knowledge';
import { t } from '../knowledge/messages';
import type { Metrics } from '../metrics';
import { newDiagnosisId, type PasteDiagnosis } from './PasteDiagnosis';

export const DIAGNOSE_MESSAGE_COMMAND = 'diagnoseMessage';
export const SEARCH_COMMAND = 'searchFailureModes';
/** Teams shows at most 25 results of a search. */
const MAX_RESULTS = 25;
/** The search's parameters; a malformed list is an empty search. */
const SearchParameters = z.array(z.object({ name: z.unknown(), value: z.unknown() }).passthrough()).catch([]);

function errorResponse(text: string): MessagingExtensionResponse {
  return { composeExtension: { type: 'message', text } };
}

/** The message action "Diagnose this error" and the "Search failure modes" search command. */
export class MessageExtension {
  constructor(
    private readonly matcher: Matcher,
    private readonly paste: PasteDiagnosis,
    private readonly metrics: Metrics,
    private readonly languageOf: (context: TurnContext, text: string) => Lang,
  ) {}

  async submitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    // The action's own "Error text" box wins; left empty, the message the action was started on.
    const typed = (action.data as { errorText?: unknown } | undefined)?.errorText;
    const content: unknown = action.messagePayload?.body?.content;
    const body = typeof typed === 'string' && typed.trim() !== '' ? typed : typeof content === 'string' ? content : '';
    const lang = this.languageOf(context, body);
    if (action.commandId !== DIAGNOSE_MESSAGE_COMMAND) return errorResponse(t(lang, 'reply.unknownCommand'));
    const read = this.paste.read(body);
    const { match } = read.diagnosis;
    if (match) this.metrics.diagnosed(match.id);
    else this.metrics.notRecognisedPaste();
    const card = this.paste.card(lang, read);
    return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [asAttachment(card)] } };
  }

  async query(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    const words = SearchParameters.parse(query.parameters).find((p) => p.name === 'query')?.value;
    const text = typeof words === 'string' ? words : '';
    const lang = this.languageOf(context, text);
    if (query.commandId !== SEARCH_COMMAND) return errorResponse(t(lang, 'reply.unknownCommand'));
    const found = searchFailureModes(this.matcher.modes, text).slice(0, MAX_RESULTS);
    return {
      composeExtension: {
        type: 'result',
        attachmentLayout: 'list',
        attachments: found.map((mode) => ({
          ...asAttachment(renderDiagnosisCard({ lang, mode, pack: this.matcher.packOf(mode), confidence: null, facts: {}, others: [], diagnosisId: newDiagnosisId() })),
          preview: { contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: mode.title[lang], text: mode.summary[lang] } },
        })),
      },
    };
  }
}
