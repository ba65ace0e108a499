// 重点企业名单: CSV import (bad rows named by line, nothing half-imported), export, and the CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runRedListCli } from '../../app/redlist-cli.ts';
import { openDatabase } from '../../storage/database.ts';
import { parseRedListCsv, RedListCsvError, toRedListCsv } from '../../tickets/redlist/redlist-csv.ts';
import { RedListStore } from '../../tickets/redlist/redlist-store.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { closeDatabase } from './support.ts';

const A = '91350100M000100Y43';
// Further valid codes (check characters computed by GB 32100-2015).
const B = '91110000100000000R';
const C = '91310000100000001A';

describe('red list CSV', () => {
  it('reads Chinese or English headers, tier labels or codes, quoted names, CRLF and a BOM', () => {
    const csv = `\uFEFF统一社会信用代码,企业名称,类别\r\n${A},"福州示例科技有限公司, 分公司",专精特新\r\n${B.toLowerCase()},"北京""示例""集团",leading\r\n`;
    expect(parseRedListCsv(csv)).toEqual([
      { creditCode: A, name: '福州示例科技有限公司, 分公司', tier: 'specialized' },
      { creditCode: B, name: '北京"示例"集团', tier: 'leading' },
    ]);
    expect(parseRedListCsv(`tier,name,credit_code\n总部经济,上海示例,${C}\n`)).toEqual([{ creditCode: C, name: '上海示例', tier: 'headquarters' }]);
  });

  it.each([
    ['a bad check character', `统一社会信用代码,企业名称,类别\n${A},甲,专精特新\n91350100M000100Y44,乙,专精特新\n`, [[3, '校验码对不上']]],
    [
      'a forbidden letter and an unknown tier on one row',
      `统一社会信用代码,企业名称,类别\n91350100MO00100Y43,甲,重点\n`,
      [
        [2, '不使用字母 I、O、S、V、Z'],
        [2, '类别“重点”不认识'],
      ],
    ],
    ['a duplicate row', `统一社会信用代码,企业名称,类别\n${A},甲,专精特新\n${B},乙,龙头骨干\n${A},甲二,专精特新\n`, [[4, `${A} 与第 2 行重复`]]],
    ['an empty name', `统一社会信用代码,企业名称,类别\n${A},,专精特新\n`, [[2, '企业名称为空']]],
    ['a missing column', `统一社会信用代码,企业名称\n${A},甲\n`, [[1, 'the header must name the columns']]],
    ['an unclosed quote (line of the record)', `统一社会信用代码,企业名称,类别\n${A},"甲\n乙,专精特新\n`, [[2, 'never closed']]],
    ['an empty file', '', [[1, 'empty file']]],
  ])('refuses %s, naming the line', (_name, csv, problems) => {
    let error: RedListCsvError | undefined;
    try {
      parseRedListCsv(csv);
    } catch (err) {
      error = err as RedListCsvError;
    }
    expect(error).toBeInstanceOf(RedListCsvError);
    expect(error?.problems.map((p) => p.line)).toEqual(problems.map(([line]) => line));
    problems.forEach(([, text], i) => expect(error?.problems[i]?.message).toContain(text));
  });

  it('exports what it imports, with a BOM, quoting, and formula-like names defused', () => {
    const entries = [
      { creditCode: A, name: '福州示例科技有限公司, 分公司', tier: 'specialized' as const },
      { creditCode: B, name: '=HYPERLINK("http://x")', tier: 'leading' as const },
    ];
    const csv = toRedListCsv(entries);
    expect(csv.startsWith('\uFEFF统一社会信用代码,企业名称,类别\r\n')).toBe(true);
    expect(csv).toContain(`${B},"'=HYPERLINK(""http://x"")",龙头骨干`);
    expect(parseRedListCsv(csv)).toEqual(entries);
  });
});

function storeContract(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`red list store on ${engine}`, () => {
    const targets: TestDatabase[] = [];
    afterAll(async () => {
      for (const t of targets) await t.drop();
    });

    it('adds, updates and (with replace) removes in one transaction; a failing import changes nothing', async (ctx) => {
      const target = await make();
      if (!target) return ctx.skip();
      targets.push(target);
      const db = await openDatabase(target.url, [ticketsSchema]);
      const store = new RedListStore(db.kysely);
      expect(
        await store.import([
          { creditCode: A, name: '甲', tier: 'specialized' },
          { creditCode: B, name: '乙', tier: 'leading' },
        ]),
      ).toEqual({ added: 2, updated: 0, unchanged: 0, removed: 0 });
      expect(
        await store.import(
          [
            { creditCode: A, name: '甲（更名）', tier: 'specialized' },
            { creditCode: C, name: '丙', tier: 'headquarters' },
          ],
          { replace: true },
        ),
      ).toEqual({ added: 1, updated: 1, unchanged: 0, removed: 1 });
      expect(await store.tierOf(C)).toBe('headquarters');
      expect(await store.tierOf(B)).toBeNull();
      const before = await store.list();
      // A duplicate key inside one import fails on its second row: the first row's change must not stay.
      await expect(
        store.import([
          { creditCode: B, name: '乙', tier: 'leading' },
          { creditCode: B, name: '乙', tier: 'leading' },
        ]),
      ).rejects.toThrow();
      expect(await store.list()).toEqual(before);
      await closeDatabase(db, target);
    });
  });
}
storeContract('SQLite', async () => sqliteDatabase());
storeContract('PostgreSQL', postgresDatabase);

describe('npm run redlist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redlist-cli-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` };
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runRedListCli(args, env, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  const good = join(dir, 'good.csv');
  const bad = join(dir, 'bad.csv');
  writeFileSync(good, `统一社会信用代码,企业名称,类别\n${A},福州示例科技有限公司,专精特新\n${B},北京示例集团,龙头骨干\n`);
  writeFileSync(bad, `统一社会信用代码,企业名称,类别\n${C},上海示例,总部经济\n${A}X,坏行,专精特新\n`);

  it('imports, lists and exports; a bad file is refused with file:line and imports nothing', async () => {
    expect(await run('import', good)).toMatchObject({ code: 0, err: expect.stringContaining('2 added') });
    const refused = await run('import', bad, '--replace');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${bad}:3: 统一社会信用代码“${A}X”无效：统一社会信用代码应为 18 位，您输入的是 19 位，请核对。`);
    const listed = await run('list');
    expect(listed.out).toBe(`${B}  龙头骨干  北京示例集团\n${A}  专精特新  福州示例科技有限公司\n`);
    const file = join(dir, 'out.csv');
    expect((await run('export', file)).code).toBe(0);
    expect(parseRedListCsv(readFileSync(file, 'utf8')).map((e) => e.creditCode)).toEqual([B, A]);
    expect((await run('export')).out).toBe(readFileSync(file, 'utf8'));
  });

  it('prints usage for an unknown command', async () => {
    expect(await run('delete-everything')).toMatchObject({ code: 2, err: expect.stringContaining('usage: npm run redlist') });
  });

  it('runs as a script from npm', async () => {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'redlist', '--', 'list'], {
      env: { ...process.env, ...env },
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(stdout).toContain(A);
    expect(stderr).toContain('2 enterprise(s) on the red list');
  });
});
