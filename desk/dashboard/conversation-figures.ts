// The bot's side of the dashboard, from insights' bot_turns (one row per question) and the tickets raised from the
// same conversations (ticket_requesters, joined_via 'origin'). Definitions (also in README, 班长看板):
//   conversations  distinct (channel, conversation) with at least one question in the period
//   directAnswered of those, the ones where the bot answered a question, handed none over, and no ticket was
//                  raised from the conversation in the period
//   escalated      of those, the ones where the bot handed a question over or a ticket was raised in the period
import { type Kysely, sql } from 'kysely';
import { dayOf, type Engine, type Period } from './period.ts';

export interface ConversationFigures {
  conversations: number;
  questions: number;
  directAnswered: number;
  escalated: number;
  directAnswerRate: number | null;
  escalationRate: number | null;
  byChannel: Record<string, number>;
}

export interface ConversationDay {
  day: string;
  conversations: number;
  directAnswered: number;
  escalated: number;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * Per conversation (and per day when `byDay`): did the bot answer, hand over, and was a ticket raised. The tickets'
 * conversations are joined as one set (a hash join on PostgreSQL) rather than probed once per conversation.
 */
function perConversation(engine: Engine, p: Period, byDay: boolean) {
  const day = byDay ? sql`${dayOf(engine, sql.ref('t.at'))}` : sql`''`;
  const ticketDay = byDay ? sql`${dayOf(engine, sql.ref('r.joined_at'))}` : sql`''`;
  return sql`
    select c.day, c.channel_id, c.questions, c.answered, c.handed, case when r.conversation_id is null then 0 else 1 end as ticket
    from (
      select ${day} as day, t.channel_id, t.conversation_id, count(*) as questions,
        max(case when t.outcome = 'answered' then 1 else 0 end) as answered,
        max(case when t.outcome = 'handed_over' then 1 else 0 end) as handed
      from bot_turns t
      where t.at >= ${p.start} and t.at < ${p.end}
      group by 1, t.channel_id, t.conversation_id
    ) c
    left join (
      select distinct ${ticketDay} as day, r.channel_id, r.conversation_id
      from ticket_requesters r
      where r.joined_via = 'origin' and r.joined_at >= ${p.start} and r.joined_at < ${p.end} and r.conversation_id is not null
    ) r on r.channel_id = c.channel_id and r.conversation_id = c.conversation_id and r.day = c.day`;
}

const totals = sql`
  count(*) as conversations,
  coalesce(sum(questions), 0) as questions,
  coalesce(sum(case when answered = 1 and handed = 0 and ticket = 0 then 1 else 0 end), 0) as direct,
  coalesce(sum(case when handed = 1 or ticket = 1 then 1 else 0 end), 0) as escalated`;

interface TotalsRow {
  conversations: string | number;
  questions: string | number;
  direct: string | number;
  escalated: string | number;
}

export async function conversationFigures(db: Kysely<any>, engine: Engine, p: Period): Promise<ConversationFigures> {
  const rows = await sql<
    TotalsRow & { channel_id: string }
  >`select channel_id, ${totals} from (${perConversation(engine, p, false)}) x group by channel_id`.execute(db);
  const sum = (k: keyof TotalsRow) => rows.rows.reduce((n, r) => n + Number(r[k]), 0);
  const conversations = sum('conversations');
  const directAnswered = sum('direct');
  const escalated = sum('escalated');
  return {
    conversations,
    questions: sum('questions'),
    directAnswered,
    escalated,
    directAnswerRate: rate(directAnswered, conversations),
    escalationRate: rate(escalated, conversations),
    byChannel: Object.fromEntries(rows.rows.map((r) => [r.channel_id, Number(r.conversations)])),
  };
}

/** The same per day; a conversation that spans two days counts on both. */
export async function conversationDays(db: Kysely<any>, engine: Engine, p: Period): Promise<Map<string, ConversationDay>> {
  const rows = await sql<TotalsRow & { day: string }>`select day, ${totals} from (${perConversation(engine, p, true)}) x group by day`.execute(db);
  return new Map(
    rows.rows.map((r) => [
      String(r.day),
      { day: String(r.day), conversations: Number(r.conversations), directAnswered: Number(r.direct), escalated: Number(r.escalated) },
    ]),
  );
}

export { rate };
