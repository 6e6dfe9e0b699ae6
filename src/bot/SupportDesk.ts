import { ActivityTypes, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { CardSubmit } from '../cards/CardSubmit';
import { asAttachment, excerpt, type CardJson } from '../cards/expandCard';
import { renderSupportChannelCard } from '../cards/renderSupportChannelCard';
import { renderSupportRequestCard } from '../cards/renderSupportRequestCard';
import { renderTicketCard } from '../cards/renderTicketCard';
import { renderTicketListCard } from '../cards/renderTicketListCard';
import { MAX_CONTEXT_TEXT, type SupportContext } from '../cards/SupportContext';
import type { Facts, FailureMode, Matcher } from '../knowledge';
import { t } from '../knowledge/messages';
import { redactSecrets } from '../knowledge/redactSecrets';
import type { Metrics } from '../metrics';
import type { SupportDeskStore, TicketDraft } from '../storage/SupportDeskStore';
import { channelConversationId, postConversation, sameConversation, type ConversationAddress } from '../tickets/ConversationAddress';
import { displayName, samePerson, type Person } from '../tickets/Person';
import type { SupportChannel } from '../tickets/SupportChannel';
import { changeTicket, requestKeyOf, secondsToResolve, type Ticket, type TicketAction, type TicketChange, type TicketId } from '../tickets/Ticket';
import type { ProactiveSender } from './ProactiveSender';
import { tenantOf } from './tenantGate';
import type { Turn } from './Turn';

type Submit<V extends CardSubmit['verb']> = Extract<CardSubmit, { verb: V }>;

export interface SupportDeskDeps {
  store: SupportDeskStore;
  matcher: Matcher;
  metrics: Metrics;
  proactive: ProactiveSender;
  /** No app id: activities without a tenant share one desk, and any conversation can be the support channel. */
  localMode: boolean;
  now: () => Date;
}

/** The desk of activities that name no tenant (the Emulator, Web Chat), in local mode only. */
export const LOCAL_TENANT = 'local';
/** The newest tickets that `tickets` looks through. */
const SCANNED_TICKETS = 100;
const MAX_STEP_LENGTH = 600;
/** As extractFacts cuts them; a crafted button could carry longer ones. */
const MAX_FACT_LENGTH = 260;

/** What Teams says about the channel a message was posted in; only the names are read. */
const TeamsChannelData = z.object({
  channel: z.object({ name: z.string().max(256).optional() }).passthrough().optional(),
  team: z.object({ name: z.string().max(256).optional() }).passthrough().optional(),
});

/**
 * The support channel of each tenant and the tickets posted there: one small handler per command
 * and per button. A ticket is opened, changed and listed only within the tenant of the activity,
 * and changed only from that tenant's support channel.
 */
export class SupportDesk {
  constructor(private readonly deps: SupportDeskDeps) {}

  /** Whether a support request card in this turn gets "Send to the support channel". */
  async offersEscalation(turn: Turn): Promise<boolean> {
    const tenantId = this.tenantOf(turn);
    return tenantId !== undefined && (await this.deps.store.channel(tenantId)) !== undefined;
  }

  // ---- the support channel --------------------------------------------------------------------

  /** `support channel`: the current setting, and the button to choose this channel or stop using it. */
  async showChannel(turn: Turn): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    const current = await this.deps.store.channel(tenantId);
    const isHere = current !== undefined && sameConversation(current.address.conversation.id, turn.conversationId);
    await turn.sendCard(renderSupportChannelCard({ lang: turn.lang, current, isHere, canSetHere: this.canBeSupportChannel(turn) }));
  }

  async setChannel(turn: Turn): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    if (!this.canBeSupportChannel(turn)) {
      await turn.say('card.supportChannel.notAChannel');
      return;
    }
    const names = TeamsChannelData.safeParse(turn.activity.channelData);
    await this.deps.store.setChannel(tenantId, {
      // The channel, not the thread the command was given in: tickets are new posts.
      address: addressOf(turn.activity, channelConversationId(turn.conversationId)),
      channelName: names.success ? names.data.channel?.name : undefined,
      teamName: names.success ? names.data.team?.name : undefined,
      lang: turn.lang,
      setBy: personOf(turn.activity),
      setAt: this.deps.now().toISOString(),
    });
    turn.log.info('support channel set', { tenantId });
    await turn.say('reply.supportChannelSet');
  }

  async stopChannel(turn: Turn): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    const stopped = await this.deps.store.clearChannel(tenantId, turn.conversationId);
    if (stopped) turn.log.info('support channel cleared', { tenantId });
    await turn.say(stopped ? 'reply.supportChannelStopped' : 'reply.supportChannelNotHere');
  }

  // ---- escalation -----------------------------------------------------------------------------

  /** "Send to the support channel": one ticket per request, posted into the channel as a new message. */
  async escalate(turn: Turn, submit: Submit<'escalate'>): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    const mode = this.deps.matcher.modeById(submit.failureMode);
    if (!mode) {
      await turn.say('reply.badSubmit');
      return;
    }
    // The context arrives from a card: redacted when it was made, redacted again in case it was crafted.
    const context = redactedAgain(submit.context);
    const requester = personOf(turn.activity);
    const requestKey = requestKeyOf({ tenantId, requester, diagnosisId: submit.diagnosisId, failureMode: mode.id, content: context ?? null });
    const openedAt = this.deps.now().toISOString();
    const draft: TicketDraft = {
      tenantId,
      requestKey,
      diagnosisId: submit.diagnosisId,
      status: 'open',
      failureMode: mode.id,
      source: context?.source ?? 'list',
      confidence: context?.confidence,
      facts: context?.facts ?? {},
      redactedText: context?.redactedText,
      stepsTaken: context?.stepsTaken ?? [],
      requester,
      // Where they asked, thread included: they hear back there.
      requesterAddress: addressOf(turn.activity, turn.conversationId),
      requesterLang: turn.lang,
      openedAt,
      history: [{ action: 'opened', by: requester, at: openedAt }],
      delivery: 'pending',
    };
    const outcome = await this.deps.store.open(tenantId, requestKey, draft);
    const escalate = { diagnosisId: submit.diagnosisId, context };
    switch (outcome.kind) {
      case 'noChannel':
        await turn.say('reply.noSupportChannel');
        await turn.sendCard(this.summaryCard(turn, mode, draft));
        return;
      case 'opened':
        this.deps.metrics.ticketOpened();
        turn.log.info('ticket opened', { tenantId, ticketId: outcome.ticket.id, failureMode: mode.id });
        await this.deliver(turn, outcome.ticket, outcome.channel, mode, escalate);
        return;
      case 'known': {
        const again = outcome.ticket?.delivery === 'failed' ? await this.claimRedelivery(tenantId, outcome.ticketId) : undefined;
        if (again) await this.deliver(turn, again, outcome.channel, mode, escalate);
        else await turn.say('reply.escalatedAlready', { ticket: outcome.ticketId });
      }
    }
  }

  /** Posts the ticket card into the support channel; if the channel refuses it, the requester gets the summary instead. */
  private async deliver(turn: Turn, ticket: Ticket, channel: SupportChannel, mode: FailureMode, escalate: { diagnosisId?: string; context?: SupportContext }): Promise<void> {
    const { tenantId } = ticket;
    let activityId: string;
    try {
      activityId = await this.deps.proactive.send(turn.context, channel.address, message(this.ticketCard(ticket, channel, mode)));
    } catch (err) {
      const { statusCode, code } = err as { statusCode?: number; code?: string };
      // The connector's error names the refusal (BotNotInConversationRoster, ConversationNotFound); it holds no paste text.
      turn.log.warn('the support channel refused the ticket', { tenantId, ticketId: ticket.id, statusCode, code, err });
      this.deps.metrics.ticketUndelivered();
      await this.deps.store.modify(tenantId, ticket.id, (t) => ({ next: t.delivery === 'posted' ? undefined : { ...t, delivery: 'failed' }, result: undefined }));
      await turn.say('reply.supportChannelUnreachable', { ticket: ticket.id });
      await turn.sendCard(this.summaryCard(turn, mode, ticket, escalate));
      return;
    }
    const post = { address: postConversation(channel.address, activityId), activityId };
    await this.deps.store.modify(tenantId, ticket.id, (t) => ({ next: { ...t, delivery: 'posted', post }, result: undefined }));
    turn.log.info('ticket posted to the support channel', { tenantId, ticketId: ticket.id });
    await turn.say('reply.escalated', { ticket: ticket.id });
  }

  /** A ticket whose card never reached a channel is posted again by the first request to ask. */
  private async claimRedelivery(tenantId: string, id: TicketId): Promise<Ticket | undefined> {
    const claimed = await this.deps.store.modify(tenantId, id, (ticket) =>
      ticket.delivery === 'failed' ? { next: { ...ticket, delivery: 'pending' }, result: true } : { result: false },
    );
    return claimed?.result ? claimed.ticket : undefined;
  }

  // ---- the ticket's buttons -------------------------------------------------------------------

  async assign(turn: Turn, { ticketId }: Submit<'ticketAssign'>): Promise<void> {
    await this.act(turn, ticketId, { kind: 'assign' });
  }

  async resolve(turn: Turn, { ticketId, note }: Submit<'ticketResolve'>): Promise<void> {
    await this.act(turn, ticketId, { kind: 'resolve', note: note === undefined ? undefined : redactSecrets(note).text });
  }

  async reopen(turn: Turn, { ticketId }: Submit<'ticketReopen'>): Promise<void> {
    await this.act(turn, ticketId, { kind: 'reopen' });
  }

  /** Changes the ticket with compare-and-swap, updates its card for everyone and tells the requester. */
  private async act(turn: Turn, ticketId: TicketId, action: TicketAction): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    const channel = await this.deps.store.channel(tenantId);
    if (!channel || !sameConversation(channel.address.conversation.id, turn.conversationId)) {
      turn.log.warn('ticket action refused outside the support channel', { tenantId, ticketId, action: action.kind });
      await turn.say('reply.ticketActionNotHere');
      return;
    }
    const by = personOf(turn.activity);
    const changed = await this.deps.store.modify(tenantId, ticketId, (ticket) => {
      const change = changeTicket(ticket, action, by, this.deps.now());
      return { next: change.ok ? change.ticket : undefined, result: change };
    });
    if (!changed) {
      await turn.say('reply.ticketUnknown', { ticket: ticketId });
      return;
    }
    const change = changed.result;
    if (!change.ok) {
      turn.log.info('ticket action not applied', { tenantId, ticketId, action: action.kind, reason: change.reason });
      await this.refuse(turn, change);
      return;
    }
    this.count(change.ticket, action);
    turn.log.info('ticket changed', { tenantId, ticketId, action: action.kind, status: change.ticket.status });
    await this.refreshCard(turn, change.ticket, channel);
    await this.notifyRequester(turn, change.ticket, action, by);
  }

  private async refuse(turn: Turn, change: Extract<TicketChange, { ok: false }>): Promise<void> {
    const ticket = change.ticket.id;
    switch (change.reason) {
      case 'assignedToOther':
        return turn.say('reply.ticketAssignedToOther', { ticket, name: change.ticket.assignee ? displayName(change.ticket.assignee) : '' });
      case 'alreadyAssignedToYou':
        return turn.say('reply.ticketAlreadyYours', { ticket });
      case 'alreadyResolved':
        return turn.say('reply.ticketAlreadyResolved', { ticket });
      case 'notResolved':
        return turn.say('reply.ticketNotResolved', { ticket });
    }
  }

  private count(ticket: Ticket, action: TicketAction): void {
    switch (action.kind) {
      case 'assign':
        return this.deps.metrics.ticketAssigned();
      case 'resolve':
        return this.deps.metrics.ticketResolved(secondsToResolve(ticket) ?? 0);
      case 'reopen':
        return this.deps.metrics.ticketReopened();
    }
  }

  /** The change is stored: a card that cannot be updated (deleted meanwhile) is logged, not retried. */
  private async refreshCard(turn: Turn, ticket: Ticket, channel: SupportChannel): Promise<void> {
    const mode = this.deps.matcher.modeById(ticket.failureMode);
    if (!ticket.post || !mode) {
      turn.log.warn('ticket has no card to update', { ticketId: ticket.id });
      return;
    }
    try {
      await this.deps.proactive.update(turn.context, ticket.post.address, ticket.post.activityId, message(this.ticketCard(ticket, channel, mode)));
    } catch (err) {
      const { statusCode, code } = err as { statusCode?: number; code?: string };
      turn.log.warn('could not update the ticket card', { ticketId: ticket.id, statusCode, code });
    }
  }

  private async notifyRequester(turn: Turn, ticket: Ticket, action: TicketAction, by: Person): Promise<void> {
    const lang = ticket.requesterLang;
    const params = { ticket: ticket.id, title: this.deps.matcher.modeById(ticket.failureMode)?.title[lang] ?? ticket.failureMode, name: displayName(by) };
    const note = ticket.resolution?.note;
    const text =
      action.kind === 'assign'
        ? t(lang, 'notice.ticketAssigned', params)
        : action.kind === 'reopen'
          ? t(lang, 'notice.ticketReopened', params)
          : note
            ? t(lang, 'notice.ticketResolvedWithNote', { ...params, note })
            : t(lang, 'notice.ticketResolved', params);
    try {
      await this.deps.proactive.send(turn.context, ticket.requesterAddress, { type: ActivityTypes.Message, text, textFormat: 'plain' });
    } catch (err) {
      const { statusCode, code } = err as { statusCode?: number; code?: string };
      turn.log.warn('could not tell the requester about their ticket', { ticketId: ticket.id, statusCode, code });
    }
  }

  // ---- lists ----------------------------------------------------------------------------------

  /** `tickets`: the open tickets in the support channel; the asker's own in a personal chat. */
  async listTickets(turn: Turn): Promise<void> {
    const tenantId = await this.tenantOrApology(turn);
    if (!tenantId) return;
    const channel = await this.deps.store.channel(tenantId);
    const inSupportChannel = channel !== undefined && sameConversation(channel.address.conversation.id, turn.conversationId);
    if (!inSupportChannel && isGroupConversation(turn.activity)) {
      await turn.say('reply.ticketsWhere');
      return;
    }
    const me = personOf(turn.activity);
    const recent = await this.deps.store.recent(tenantId, SCANNED_TICKETS);
    const tickets = recent.filter((ticket) => (inSupportChannel ? ticket.status !== 'resolved' : samePerson(ticket.requester, me)));
    const { lang } = turn;
    await turn.sendCard(
      renderTicketListCard({
        lang,
        scope: inSupportChannel ? 'open' : 'mine',
        tickets: tickets.map((ticket) => ({ ticket, modeTitle: this.deps.matcher.modeById(ticket.failureMode)?.title[lang] ?? ticket.failureMode })),
        now: this.deps.now(),
      }),
    );
  }

  // ---- helpers --------------------------------------------------------------------------------

  private ticketCard(ticket: Ticket, channel: SupportChannel, mode: FailureMode): CardJson {
    const mentionRequester = channel.address.channelId === 'msteams' && ticket.requesterAddress.channelId === 'msteams';
    return renderTicketCard({ lang: channel.lang, ticket, mode, mentionRequester });
  }

  /** The support request summary, for when the request cannot become a ticket; with the button to try again if it is one. */
  private summaryCard(turn: Turn, mode: FailureMode, ticket: TicketDraft, escalate?: { diagnosisId?: string; context?: SupportContext }): CardJson {
    return renderSupportRequestCard({
      lang: turn.lang,
      mode,
      redactedErrorText: ticket.redactedText,
      facts: ticket.facts,
      stepsTried: ticket.stepsTaken,
      at: this.deps.now(),
      ...(escalate ? { escalate } : {}),
    });
  }

  private tenantOf(turn: Turn): string | undefined {
    return tenantOf(turn.activity) ?? (this.deps.localMode ? LOCAL_TENANT : undefined);
  }

  private async tenantOrApology(turn: Turn): Promise<string | undefined> {
    const tenantId = this.tenantOf(turn);
    if (!tenantId) {
      turn.log.info('support desk used without a tenant');
      await turn.say('reply.supportDeskNeedsTenant');
    }
    return tenantId;
  }

  /** A team channel in Teams; in local mode any conversation, so the Emulator and Web Chat can try it. */
  private canBeSupportChannel(turn: Turn): boolean {
    const { activity } = turn;
    return activity.channelId === 'msteams' ? activity.conversation?.conversationType === 'channel' : this.deps.localMode;
  }
}

function message(card: CardJson): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [asAttachment(card)] };
}

function personOf(activity: Activity): Person {
  const { id, name, aadObjectId } = activity.from;
  return { id, ...(name ? { name: name.slice(0, 256) } : {}), ...(aadObjectId ? { aadObjectId } : {}) };
}

/** Where the bot can reach this activity's conversation later; `conversationId` picks the channel or the thread. */
function addressOf(activity: Activity, conversationId: string): ConversationAddress {
  const { conversation, recipient } = activity;
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: {
      id: conversationId,
      ...(conversation.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
      ...(typeof conversation.isGroup === 'boolean' ? { isGroup: conversation.isGroup } : {}),
    },
    bot: { id: recipient?.id ?? '', ...(recipient?.name ? { name: recipient.name } : {}) },
  };
}

function isGroupConversation(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat' || activity.conversation?.isGroup === true;
}

/** Every text of a support context through redaction again, cut back to the context's limits. */
function redactedAgain(context: SupportContext | undefined): SupportContext | undefined {
  if (!context) return undefined;
  const clean = (text: string) => redactSecrets(text).text;
  const facts = Object.fromEntries(Object.entries(context.facts).map(([key, value]) => [key, value === undefined ? value : clean(value).slice(0, MAX_FACT_LENGTH)])) as Facts;
  return {
    ...context,
    ...(context.redactedText === undefined ? {} : { redactedText: excerpt(clean(context.redactedText), MAX_CONTEXT_TEXT) }),
    facts,
    stepsTaken: context.stepsTaken.map((step) => clean(step).slice(0, MAX_STEP_LENGTH)),
  };
}
