// CSV downloads. Tickets are streamed a page at a time in creation order (keyset pagination on the created index),
// writing each page before reading the next and waiting when the client reads slowly: 50,000 tickets never sit in
// memory. Cells a spreadsheet would evaluate (= + - @ at the start) are defused with a quote; a BOM makes Excel read
// the Chinese as UTF-8.
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import type { Response } from 'restify';
import { CREDIT_CHECK_LABELS, PRIORITY_LABELS, REDLIST_TIER_LABELS, SATISFACTION_LABELS, STATE_LABELS, TYPE_LABELS } from '../../tickets/labels.ts';
import {
  OPEN_STATES,
  type CreditCheck,
  type Priority,
  type RedListTier,
  type SatisfactionLevel,
  type TicketState,
  type TicketType,
} from '../../tickets/model.ts';
import { csvLine } from '../../tickets/redlist/csv.ts';
import type { Catalog } from '../../tickets/routing/catalog.ts';
import { FilterSql, type TicketFilter } from '../../tickets/store/filters.ts';
import type { TicketRow, TicketTables } from '../../tickets/store/schema.ts';
import type { Period } from './period.ts';

const PAGE = 1000;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text a spreadsheet shows and never runs. */
export const cell = (value: string | number | null | undefined) => {
  const text = value === null || value === undefined ? '' : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
};

export function startCsv(res: Response, filename: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    // Header values are Latin-1: an ASCII name for old clients, the real one (RFC 5987) for the rest.
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'Cache-Control': 'no-store',
  });
  res.write('\uFEFF');
}

/** Writes a chunk, waiting for the client to drain what it has when the socket's buffer is full (or to leave). */
async function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  const done = new AbortController();
  const drained = once(res, 'drain', { signal: done.signal });
  const closed = once(res, 'close', { signal: done.signal });
  await Promise.race([drained, closed]).catch(() => undefined);
  done.abort(); // removes the listener that did not fire
  await Promise.allSettled([drained, closed]);
}

export async function writeTable(res: Response, filename: string, rows: readonly (readonly string[])[]): Promise<void> {
  startCsv(res, filename);
  for (const row of rows) await write(res, `${csvLine(row.map(cell))}\r\n`);
  res.end();
}

const HEADER = [
  '工单编号',
  '状态',
  '类型',
  '类别',
  '承办单位',
  '紧急程度',
  '重点企业',
  '企业名称',
  '统一社会信用代码',
  '信用代码校验',
  '联系人',
  '联系电话',
  '诉求',
  '受理时间',
  '派单时间',
  '办理时限',
  '办结时间',
  '是否超期',
  '答复',
  '满意度',
];
type ExportRow = Omit<TicketRow, 'transcript' | 'search_text'>;
const COLUMNS = [
  'number',
  'state',
  'type',
  'category',
  'department',
  'priority',
  'redlist_tier',
  'urgency',
  'enterprise_name',
  'credit_code',
  'credit_check',
  'contact_name',
  'contact_mobile',
  'request_text',
  'request_truncated',
  'due_at',
  'ext_due_at',
  'ext_reason',
  'ext_requested_at',
  'reply_text',
  'reply_at',
  'reply_by',
  'satisfaction',
  'satisfaction_comment',
  'merged_into',
  'supervised',
  'overdue_reminder_key',
  'created_at',
  'updated_at',
  'dispatched_at',
  'resolved_at',
  'closed_at',
  'version',
] as const satisfies readonly (keyof ExportRow)[];

/** Shanghai local time, as people read it in a spreadsheet. */
const local = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '');

/** Streams the tickets created in the period (and matching the filter); returns how many were written. */
export async function streamTickets(db: Kysely<any>, res: Response, p: Period, filter: TicketFilter, catalog: Catalog, now: Date): Promise<number> {
  const tickets = db as Kysely<TicketTables>;
  const filters = new FilterSql(db);
  const at = now.toISOString();
  startCsv(res, `工单_${p.from}_${p.to}.csv`);
  await write(res, `${csvLine(HEADER)}\r\n`);
  let after: { created: string; number: string } | undefined;
  let written = 0;
  while (!res.destroyed) {
    let query = tickets
      .selectFrom('tickets')
      .select(COLUMNS)
      .where('created_at', '>=', p.start)
      .where('created_at', '<', p.end)
      .where((eb) => filters.predicate(eb, filter, at));
    if (after) {
      const { created, number } = after;
      query = query.where((eb) => eb.or([eb('created_at', '>', created), eb.and([eb('created_at', '=', created), eb('number', '>', number)])]));
    }
    const rows = await query.orderBy('created_at').orderBy('number').limit(PAGE).execute();
    if (rows.length === 0) break;
    let chunk = '';
    for (const r of rows) chunk += `${csvLine(exportLine(r, catalog, at).map(cell))}\r\n`;
    await write(res, chunk);
    written += rows.length;
    const last = rows[rows.length - 1] as ExportRow;
    after = { created: last.created_at, number: last.number };
    if (rows.length < PAGE) break;
  }
  res.end();
  return written;
}

function exportLine(r: ExportRow, catalog: Catalog, now: string): (string | null)[] {
  const open = OPEN_STATES.includes(r.state as TicketState);
  return [
    r.number,
    STATE_LABELS[r.state as TicketState] ?? r.state,
    TYPE_LABELS[r.type as TicketType] ?? r.type,
    catalog.categoryLabel(r.category),
    r.department ? catalog.departmentName(r.department) : '',
    PRIORITY_LABELS[r.priority as Priority] ?? r.priority,
    r.redlist_tier ? REDLIST_TIER_LABELS[r.redlist_tier as RedListTier] : '',
    r.enterprise_name,
    r.credit_code,
    CREDIT_CHECK_LABELS[r.credit_check as CreditCheck] ?? r.credit_check,
    r.contact_name,
    r.contact_mobile,
    r.request_text,
    local(r.created_at),
    local(r.dispatched_at),
    local(r.due_at),
    local(r.resolved_at),
    (open && r.due_at < now) || (r.resolved_at !== null && r.resolved_at > r.due_at) ? '是' : '否',
    r.reply_text,
    r.satisfaction ? SATISFACTION_LABELS[r.satisfaction as SatisfactionLevel] : '',
  ];
}
