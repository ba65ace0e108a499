// npm run kb:asked: the questions users labelled by picking a choice, as lines the KB's loader accepts.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAskedCli } from '../../app/asked-cli.ts';
import { SCHEMAS } from '../../app/schemas.ts';
import { TurnLog } from '../../insights/turn-log.ts';
import { DEFAULT_CONTENT_DIR, DEFAULT_LOCAL_DIR, loadContent } from '../../knowledge/content/load.ts';
import { openDatabase } from '../../storage/database.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

function askedCliSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`npm run kb:asked on ${engine}`, () => {
    let target: TestDatabase | undefined;
    afterAll(async () => target?.drop());

    it('lists picked questions the KB does not have yet, most picked first, as lines the loader accepts', async () => {
      target = await make();
      if (!target) return;
      const dir = mkdtempSync(join(tmpdir(), 'asked-cli-'));
      const env = { DATABASE_URL: target.url };
      const known = loadContent().entries.find((e) => e.id === 'gongjijin-tiqu-qingxing')!.question;
      const db = await openDatabase(env.DATABASE_URL, SCHEMAS);
      const log = new TurnLog(db.kysely);
      const ask = async (conversation: string, question: string, picked?: string, vote?: 'resolved' | 'not_resolved') => {
        const id = await log.record({ channelId: 'webchat', conversationId: conversation, question, outcome: 'clarified' });
        if (picked) await log.picked(id, picked);
        if (vote) await log.vote(id, vote);
      };
      await ask('a', '公积金那笔钱 咋弄出来', 'gongjijin-tiqu-qingxing', 'resolved');
      await ask('b', '公积金那笔钱咋弄出来？', 'gongjijin-tiqu-qingxing'); // the same question, typed a little differently
      await ask('c', '公积金那笔钱咋弄出来', 'gongjijin-goufang-tiqu');
      await ask('d', '社保卡丢了补办要多久能拿到', 'shebaoka-guashi');
      await ask('e', '医保卡借给我妈用行不行', 'yibao-jiating-gongji', 'not_resolved'); // the pick did not answer it
      await ask('f', '这个问题没人选', undefined);
      await ask('g', known, 'gongjijin-tiqu-qingxing'); // already a phrasing of the KB
      // A recorded answer is no label even with an entry: only picks from choices are.
      await log.record({ channelId: 'webchat', conversationId: 'h', question: '失业金咋领', outcome: 'answered', entryId: 'shiye-shenling-liucheng' });
      await db.close();

      let out = '';
      let err = '';
      const code = await runAskedCli([], env, { out: (t) => (out += t), err: (t) => (err += t) });
      expect(code).toBe(0);
      expect(err).toContain('2 question(s)');
      const items = parse(out) as Array<{ q: string; expect: string }>;
      expect(items).toEqual([
        { q: '公积金那笔钱 咋弄出来', expect: 'gongjijin-tiqu-qingxing' },
        { q: '社保卡丢了补办要多久能拿到', expect: 'shebaoka-guashi' },
      ]);
      expect(out).toContain('# 选了 2 次，解决了 1，没解决 0；也有人选了 gongjijin-goufang-tiqu（1）');

      // Reviewed and added to a copy of the KB: the loader takes the lines as they are.
      const content = join(dir, 'content');
      cpSync(DEFAULT_CONTENT_DIR, content, { recursive: true });
      mkdirSync(join(content, 'asked'), { recursive: true });
      writeFileSync(join(content, 'asked', 'picked.yaml'), out);
      const reloaded = loadContent({ contentDir: content, localDir: DEFAULT_LOCAL_DIR });
      expect(reloaded.entries.find((e) => e.id === 'shebaoka-guashi')?.asked).toContain('社保卡丢了补办要多久能拿到');

      expect(await runAskedCli(['--since', 'yesterday'], env, { out: () => {}, err: (t) => (err = t) })).toBe(2);
      expect(err).toContain('usage');
    });
  });
}

askedCliSuite('SQLite', async () => sqliteDatabase());
askedCliSuite('PostgreSQL', postgresDatabase);
