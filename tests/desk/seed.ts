// Many tickets at once, straight into the table (the service would take minutes for 50,000): spread over states,
// categories, departments, priorities and days, for the export and list tests.
import type { Kysely } from 'kysely';
import { syntheticTicket } from '../../bench/synthetic-tickets.ts';
import type { Catalog } from '../../tickets/routing/catalog.ts';
import { fromTicket } from '../../tickets/store/rows.ts';

export async function seedTickets(db: Kysely<any>, catalog: Catalog, count: number, options: { start?: string; everyMinutes?: number } = {}): Promise<void> {
  const start = Date.parse(options.start ?? '2026-06-01T00:00:00Z');
  const step = (options.everyMinutes ?? 5) * 60_000;
  let batch = [];
  for (let i = 0; i < count; i++) {
    const category = catalog.categories[i % catalog.categories.length]!;
    // Every thousandth name is a spreadsheet formula and requests carry commas, quotes and line breaks: the export's cases.
    const t = syntheticTicket(catalog, i, start + i * step, {
      enterpriseName: i % 1000 === 7 ? '=HYPERLINK("http://evil.example","点我")' : `示例企业${i % 997}有限公司`,
      requestText: `第 ${i} 号诉求，含逗号, "引号"\n和换行：${category.label}方面的问题。`,
    });
    batch.push(fromTicket(t));
    if (batch.length === 500) {
      await db.insertInto('tickets').values(batch).execute();
      batch = [];
    }
  }
  if (batch.length > 0) await db.insertInto('tickets').values(batch).execute();
}

/** A desk_live_sessions row, straight into the table, for the tests that need sessions in given states. */
export function liveSessionRow(id: string, status: string, at: string, channelId = 'directline') {
  return {
    id,
    channel_id: channelId,
    conversation_id: `c-${id}`,
    user_id: 'u',
    reference: '{}',
    ticket_number: null,
    status,
    agent_id: null,
    agent_name: null,
    requested_at: at,
    wait_until: null,
    joined_at: null,
    ended_at: null,
    end_reason: null,
    last_activity_at: at,
  };
}
