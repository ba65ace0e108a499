// Rows ↔ domain objects. The only place that knows column names and how JSON and booleans are stored.
import type { TicketPatch } from '../decide.ts';
import type {
  Actor,
  ActorKind,
  CreditCheck,
  Priority,
  RedListTier,
  Requester,
  SatisfactionLevel,
  Ticket,
  TicketEvent,
  TicketState,
  TicketType,
  TranscriptLine,
} from '../model.ts';
import type { TicketEventRow, TicketRequesterRow, TicketRow } from './schema.ts';

export function toTicket(r: TicketRow): Ticket {
  return {
    number: r.number,
    state: r.state as TicketState,
    type: r.type as TicketType,
    category: r.category,
    department: r.department,
    priority: r.priority as Priority,
    redListTier: r.redlist_tier as RedListTier | null,
    enterpriseName: r.enterprise_name,
    creditCode: r.credit_code,
    creditCheck: r.credit_check as CreditCheck,
    contactName: r.contact_name,
    contactMobile: r.contact_mobile,
    requestText: r.request_text,
    requestTruncated: Number(r.request_truncated) === 1,
    transcript: JSON.parse(r.transcript) as TranscriptLine[],
    dueAt: r.due_at,
    pendingExtension: r.ext_due_at ? { dueAt: r.ext_due_at, reason: r.ext_reason ?? '', requestedAt: r.ext_requested_at ?? '' } : null,
    reply: r.reply_text !== null ? { text: r.reply_text, at: r.reply_at ?? '', by: r.reply_by ?? '' } : null,
    satisfaction: r.satisfaction ? { level: r.satisfaction as SatisfactionLevel, comment: r.satisfaction_comment } : null,
    mergedInto: r.merged_into,
    supervised: Number(r.supervised) === 1,
    overdueReminderKey: r.overdue_reminder_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    dispatchedAt: r.dispatched_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    version: Number(r.version),
  };
}

/** Urgent tickets first, then red-list enterprises (重点企业优先). */
export const urgencyOf = (t: Pick<Ticket, 'priority' | 'redListTier'>) => (t.priority === 'urgent' ? 2 : 0) + (t.redListTier ? 1 : 0);

export function fromTicket(t: Ticket): TicketRow {
  return {
    number: t.number,
    state: t.state,
    type: t.type,
    category: t.category,
    department: t.department,
    priority: t.priority,
    redlist_tier: t.redListTier,
    urgency: urgencyOf(t),
    enterprise_name: t.enterpriseName,
    credit_code: t.creditCode,
    credit_check: t.creditCheck,
    contact_name: t.contactName,
    contact_mobile: t.contactMobile,
    request_text: t.requestText,
    request_truncated: t.requestTruncated ? 1 : 0,
    transcript: JSON.stringify(t.transcript),
    ...patchColumns(t),
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    version: t.version,
    search_text: searchText(t),
  } as TicketRow;
}

/** The searchable fields in one lower-case, NFKC-normalized text (queries are normalized the same way). */
export function searchText(t: Pick<Ticket, 'number' | 'enterpriseName' | 'creditCode' | 'contactName' | 'contactMobile' | 'requestText'>): string {
  return normalizeForSearch([t.number, t.enterpriseName, t.creditCode, t.contactName, t.contactMobile, t.requestText].filter(Boolean).join('\n'));
}

export const normalizeForSearch = (text: string) => text.normalize('NFKC').toLowerCase();

/** The columns a patch sets (only the fields present in it). */
export function patchColumns(p: TicketPatch): Partial<TicketRow> {
  const out: Partial<TicketRow> = {};
  if (p.state !== undefined) out.state = p.state;
  if (p.category !== undefined) out.category = p.category;
  if (p.department !== undefined) out.department = p.department;
  if (p.dueAt !== undefined) out.due_at = p.dueAt;
  if (p.pendingExtension !== undefined) {
    out.ext_due_at = p.pendingExtension?.dueAt ?? null;
    out.ext_reason = p.pendingExtension?.reason ?? null;
    out.ext_requested_at = p.pendingExtension?.requestedAt ?? null;
  }
  if (p.reply !== undefined) {
    out.reply_text = p.reply?.text ?? null;
    out.reply_at = p.reply?.at ?? null;
    out.reply_by = p.reply?.by ?? null;
  }
  if (p.satisfaction !== undefined) {
    out.satisfaction = p.satisfaction?.level ?? null;
    out.satisfaction_comment = p.satisfaction?.comment ?? null;
  }
  if (p.mergedInto !== undefined) out.merged_into = p.mergedInto;
  if (p.supervised !== undefined) out.supervised = p.supervised ? 1 : 0;
  if (p.overdueReminderKey !== undefined) out.overdue_reminder_key = p.overdueReminderKey;
  if (p.dispatchedAt !== undefined) out.dispatched_at = p.dispatchedAt;
  if (p.resolvedAt !== undefined) out.resolved_at = p.resolvedAt;
  if (p.closedAt !== undefined) out.closed_at = p.closedAt;
  return out;
}

export function toEvent(r: TicketEventRow): TicketEvent {
  const actor: Actor = { kind: r.actor_kind as ActorKind, id: r.actor_id, ...(r.actor_name ? { name: r.actor_name } : {}) };
  return {
    ticketNumber: r.ticket_number,
    version: Number(r.version),
    action: r.action,
    fromState: r.from_state as TicketState | null,
    toState: r.to_state as TicketState,
    actor,
    at: r.at,
    note: r.note,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

export function fromEvent(e: TicketEvent): TicketEventRow {
  return {
    ticket_number: e.ticketNumber,
    version: e.version,
    action: e.action,
    from_state: e.fromState,
    to_state: e.toState,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id.slice(0, 128),
    actor_name: e.actor.name?.slice(0, 100) ?? null,
    at: e.at,
    note: e.note,
    data: JSON.stringify(e.data),
  };
}

export function toRequester(r: TicketRequesterRow): Requester {
  return { channelId: r.channel_id, userId: r.user_id, conversationRef: JSON.parse(r.conversation_ref) as Record<string, unknown>, mobile: r.mobile };
}
