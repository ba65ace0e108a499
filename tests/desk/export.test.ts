// CSV downloads against the real server: 50,000 tickets arrive streamed (chunked, in many pieces, the first long
// before the last), every row once and in order; cells a spreadsheet would run are defused; the dashboard's tables
// come out with labels. And what the desk refuses: a 10 MB upload, HTML kept as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { parseCsv } from '../../tickets/redlist/csv.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type DeskClient, deskEnv, signedIn } from './support.ts';
import { seedTickets } from './seed.ts';

const TICKETS = 50_000;

describe('desk CSV and bad input', () => {
  let target: TestDatabase;
  let app: App;
  let supervisor: DeskClient;
  let admin: DeskClient;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
    await seedTickets(app.db.kysely, app.tickets.catalog, TICKETS, { start: '2026-06-01T00:00:00Z', everyMinutes: 5 });
    supervisor = await signedIn(app.url, 'supervisor');
    admin = await signedIn(app.url, 'admin');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  it('streams 50,000 tickets as CSV, each once and in order, without building the file in memory', async () => {
    // Five-minute steps from 1 June: 50,000 tickets run to 21 November.
    const res = await fetch(`${app.url}/api/desk/export/tickets.csv?from=2026-06-01&to=2026-11-30`, { headers: { cookie: supervisor.cookie ?? '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const started = performance.now();
    let firstChunkAt = 0;
    let chunks = 0;
    const parts: Uint8Array[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (chunks++ === 0) firstChunkAt = performance.now() - started;
      parts.push(chunk);
    }
    const total = performance.now() - started;
    expect(chunks).toBeGreaterThan(40);
    expect(firstChunkAt).toBeLessThan(total / 4);
    const text = Buffer.concat(parts).toString('utf8');
    expect(text.startsWith('\uFEFF工单编号,状态,类型,类别,承办单位')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header?.fields).toHaveLength(20);
    expect(rows).toHaveLength(TICKETS);
    const numbers = rows.map((r) => r.fields[0] as string);
    expect(new Set(numbers).size).toBe(TICKETS);
    expect(numbers[0]).toBe('QY20260601-100000');
    expect(numbers.at(-1)).toBe(`QY20261121-${100000 + TICKETS - 1}`);
    // Quotes, commas and newlines survive; a formula in a field is shown, never run.
    expect(rows[0]?.fields[12]).toBe('第 0 号诉求，含逗号, "引号"\n和换行：社保方面的问题。');
    expect(rows[7]?.fields[7]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
  });

  it('exports the dashboard tables with labels', async () => {
    const res = await supervisor.get('/api/desk/export/dashboard/by-category.csv?from=2026-06-01&to=2026-06-30');
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header?.fields).toEqual(['类别', '工单数']);
    expect(rows.map((r) => r.fields[0])).toContain('社保');
    expect((await supervisor.get('/api/desk/export/dashboard/secrets.csv')).status).toBe(404);
    expect((await supervisor.get('/api/desk/dashboard?from=2026-01-01&to=2027-12-31')).body.error.message).toBe('desk: period: at most 366 days');
  });

  it('refuses a 10 MB upload with 413 and imports nothing', async () => {
    const big = `统一社会信用代码,企业名称,类别\r\n${'91350100M000100Y43,企业,龙头骨干\r\n'.repeat(300_000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(10_000_000);
    const res = await admin.call('POST', '/api/desk/redlist', undefined, { raw: big, type: 'text/csv' });
    expect(res.status).toBe(413);
    expect((await admin.get('/api/desk/redlist')).body.entries).toEqual([]);
    const reply = await supervisor.call('POST', '/api/desk/canned', undefined, { raw: JSON.stringify({ title: 'x', text: '长'.repeat(4_000_000) }) });
    expect(reply.status).toBe(413);
    expect((await supervisor.get('/api/desk/canned')).body.replies).toEqual([]);
  });

  it('imports a red list as CSV, and refuses a bad one naming its lines', async () => {
    const good = await admin.call('POST', '/api/desk/redlist', undefined, {
      raw: '统一社会信用代码,企业名称,类别\r\n91350100M000100Y43,福州重点企业,龙头骨干\r\n',
      type: 'text/csv',
    });
    expect(good.body).toMatchObject({ added: 1 });
    const bad = await admin.call('POST', '/api/desk/redlist', undefined, { raw: '统一社会信用代码,企业名称,类别\r\n123,<b>坏</b>,未知\r\n', type: 'text/csv' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BadCsv' } } });
    expect(bad.body.error.problems[0]).toMatchObject({ line: 2 });
    expect((await admin.get('/api/desk/redlist')).body.entries).toHaveLength(1);
  });

  it('keeps HTML in every text field as literal text', async () => {
    const html = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const agent = await signedIn(app.url, 'agent');
    const created = await agent.post('/api/desk/tickets', { requestText: html, category: 'tax', enterpriseName: html, contactName: html.slice(0, 40) });
    const number = created.body.ticket.number;
    await agent.post(`/api/desk/tickets/${number}/actions/note`, { expectedVersion: 1, text: html });
    const canned = await supervisor.post('/api/desk/canned', { title: html.slice(0, 40), text: html });
    expect(canned.status).toBe(201);
    const detail = (await agent.get(`/api/desk/tickets/${number}`)).body;
    expect(detail.ticket).toMatchObject({ requestText: html, enterpriseName: html });
    expect(detail.events[1].note).toBe(html);
    expect((await agent.get('/api/desk/canned')).body.replies[0].text).toBe(html);
  });
});
