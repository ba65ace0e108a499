import type { Rating, Requester, TicketDraft, TicketPort, TicketReceipt, TicketView } from '../bot/ticket-port.ts';
import { checkCreditCode } from '../tickets/credit-code.ts';
import type { Tickets } from '../tickets/index.ts';
import { REDLIST_TIER_LABELS, STATE_LABELS } from '../tickets/labels.ts';
import type { TicketStatus } from '../tickets/lookups.ts';
import { checkMobile } from '../tickets/mobile.ts';
import type { SatisfactionLevel, TicketType } from '../tickets/model.ts';
import { formatDueTime } from '../tickets/sla/format.ts';

const RATINGS: Record<Rating, SatisfactionLevel> = { 满意: 'satisfied', 基本满意: 'basically_satisfied', 不满意: 'dissatisfied' };
/** Why the bot escalated, as the ticket type a hotline files it under (otherwise the category's default). */
const TYPE_OF_REASON: Partial<Record<string, TicketType>> = { complaint: 'complaint', urgent: 'help', personal_case: 'help' };

/** The bot's view of tickets (bot/ticket-port.ts), over the ticket domain: the adapter between the two. */
export function chatTickets(tickets: Tickets, now: () => Date = () => new Date()): TicketPort {
  const { catalog, lookups, service, sla } = tickets;
  const due = (instant: Date | string) => formatDueTime(instant, now());
  const view = (s: TicketStatus): TicketView => ({
    number: s.number,
    state: STATE_LABELS[s.state],
    department: s.departmentName ?? '12345 热线',
    updated: formatDueTime(s.updatedAt, now()),
    due: due(s.dueAt),
    reply: s.reply?.text,
  });
  const identity = (r: Requester) => ({ channelId: r.channelId, userId: r.userId });

  return {
    checkCreditCode(code) {
      const c = checkCreditCode(code);
      return c.ok ? { ok: true, value: c.code } : { ok: false, problem: c.message };
    },
    checkMobile(mobile) {
      const c = checkMobile(mobile);
      return c.ok ? { ok: true, value: c.mobile } : { ok: false, problem: c.message };
    },
    async outlook(request) {
      const predicted = tickets.predictor?.predict(request);
      const category = catalog.category(predicted?.confident ? predicted.category : catalog.fallback);
      const dueAt = sla.dueAt(now(), { type: category.type, priority: 'normal', redList: false, categoryLimit: category.limit });
      return { department: catalog.departmentName(category.department) ?? '12345 热线', due: due(dueAt) };
    },
    async create(requester: Requester, draft: TicketDraft): Promise<TicketReceipt> {
      const ticket = await service.create(
        {
          requestText: draft.request,
          requester: { ...identity(requester), conversationRef: requester.reference as Record<string, unknown> },
          type: TYPE_OF_REASON[draft.reason],
          priority: draft.reason === 'urgent' ? 'urgent' : undefined,
          enterpriseName: draft.enterpriseName ?? null,
          creditCode: draft.creditCode ?? null,
          contactName: draft.contactName,
          contactMobile: draft.mobile,
          transcript: draft.transcript,
        },
        { kind: 'user', id: requester.userId, name: draft.contactName },
      );
      const category = catalog.category(ticket.category);
      return {
        number: ticket.number,
        category: category.label,
        department: catalog.departmentName(ticket.department ?? category.department) ?? '12345 热线',
        due: due(ticket.dueAt),
        redListTier: ticket.redListTier ? REDLIST_TIER_LABELS[ticket.redListTier] : undefined,
      };
    },
    async find(requester, number, mobile) {
      const found = mobile ? await lookups.forMobile(number, mobile) : await lookups.forRequester(number, identity(requester));
      return found && view(found);
    },
    recent: async (requester) => (await lookups.recent(identity(requester))).map(view),
    lastMobile: (requester) => lookups.lastMobile(identity(requester)),
    async rate(requester, number, rating, comment) {
      const status = await lookups.forRequester(number, identity(requester));
      if (!status?.awaitingRating) return false;
      const actor = { kind: 'user' as const, id: requester.userId };
      const rated = await service.act(status.number, { action: 'rate', satisfaction: RATINGS[rating], comment }, { actor, expectedVersion: status.version });
      // 不满意 sends the ticket back for another look (重办); the user hears the new due time through a notice.
      if (rating === '不满意') {
        await service.act(status.number, { action: 'reopen', reason: `用户不满意${comment ? `：${comment}` : ''}` }, { actor, expectedVersion: rated.version });
      }
      return true;
    },
  };
}
