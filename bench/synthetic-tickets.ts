// Synthetic tickets for the benches and the desk's list and export tests: ticket i of a run, spread over states
// (every 7th state in turn), the catalog's categories, priorities (every 23rd urgent), the red list (every 17th)
// and due times (three days after creation). Callers override what their case needs.
import { TICKET_STATES, type Ticket } from '../tickets/model.ts';
import type { Catalog } from '../tickets/routing/catalog.ts';

const DAY = 86_400_000;

export function syntheticTicket(catalog: Catalog, i: number, createdMs: number, overrides: Partial<Ticket> = {}): Ticket {
  const category = catalog.categories[i % catalog.categories.length]!;
  const created = new Date(createdMs).toISOString();
  const state = TICKET_STATES[(i * 7) % TICKET_STATES.length]!;
  return {
    number: `QY${created.slice(0, 10).replaceAll('-', '')}-${String(100000 + i)}`,
    state,
    type: category.type,
    category: category.code,
    department: state === 'new' ? null : category.department,
    priority: i % 23 === 0 ? 'urgent' : 'normal',
    redListTier: i % 17 === 0 ? 'leading' : null,
    enterpriseName: `示例企业${i % 997}有限公司`,
    creditCode: null,
    creditCheck: 'none',
    contactName: '张三',
    contactMobile: `138${String(i).padStart(8, '0')}`,
    requestText: `第 ${i} 号诉求：${category.label}方面的问题，企业希望尽快得到答复。`,
    requestTruncated: false,
    transcript: [],
    dueAt: new Date(createdMs + 3 * DAY).toISOString(),
    pendingExtension: null,
    reply: null,
    satisfaction: null,
    mergedInto: null,
    supervised: false,
    overdueReminderKey: null,
    createdAt: created,
    updatedAt: created,
    dispatchedAt: null,
    resolvedAt: null,
    closedAt: null,
    version: 1,
    ...overrides,
  };
}
