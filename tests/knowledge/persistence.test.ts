import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { fixtureOptions, writeFixture } from './fixture-kb.ts';

const extraEntry = `- id: main-canbao-zhengming
  question: 个人参保证明怎么打印？
  alternates: [社保证明在哪开, 参保证明网上能打吗, 怎么开社保缴费证明, 打印社保记录, 社保缴费证明去哪里打, 参保凭证怎么下载]
  answer: 登录网上服务平台打印。
  category: 社保登记与缴费
  department: 社会保险经办机构
  basis: [《中华人民共和国社会保险法》]
  scope: 全国
  reviewed: 2026-11-29
`;

// The same entry as extraEntry, written first in a file so that every later entry moves one place.
const firstEntry = extraEntry.replace(/\n$/, '') + '\n\n';

describe('index persistence', () => {
  it('a second open reuses the saved index; a content change rebuilds it', async () => {
    const dirs = writeFixture();
    const first = await KnowledgeBase.open(fixtureOptions(dirs, true));
    expect(first.info.reused).toBe(false);
    const second = await KnowledgeBase.open(fixtureOptions(dirs, true));
    expect(second.info.reused).toBe(true);
    expect(second.info.hash).toBe(first.info.hash);
    // Same answers from the reloaded index as from the built one.
    for (const q of ['公积金怎么取出来', '社宝断交了有啥影响', '今天天气怎么样']) {
      expect(await second.search(q)).toEqual(await first.search(q));
    }

    writeFileSync(join(dirs.contentDir, 'extra.yaml'), extraEntry);
    const third = await KnowledgeBase.open(fixtureOptions(dirs, true));
    expect(third.info.reused).toBe(false);
    expect(third.info.hash).not.toBe(first.info.hash);
    expect(third.entry('main-canbao-zhengming')).toBeDefined();
    expect(readdirSync(dirs.indexDir).filter((n) => !n.startsWith('.'))).toHaveLength(2);
  });

  it('a synonym or city value change also rebuilds', async () => {
    const dirs = writeFixture();
    const a = await KnowledgeBase.open(fixtureOptions(dirs, true));
    appendFileSync(dirs.synonymsFile, '  - { to: 退费, from: [退钱] }\n');
    const b = await KnowledgeBase.open(fixtureOptions(dirs, true));
    expect(b.info.hash).not.toBe(a.info.hash);
    writeFileSync(join(dirs.localDir, 'city.yaml'), 'shebao_hotline: "12333"\n');
    const c = await KnowledgeBase.open(fixtureOptions(dirs, true));
    expect(c.info.reused).toBe(false);
    expect(c.entry('gongjijin-tiqu')?.answer).toContain('12333');
  });

  it('a search held inside retrieval across a reload finishes wholly on the version it started with', async () => {
    const dirs = writeFixture();
    // The test holds a search between retrieval and decision: the hook waits on `gate` while one is set.
    let gate: Promise<void> | undefined;
    let entered!: () => void;
    const reachedRetrieval = new Promise<void>((resolve) => (entered = resolve));
    const kb = await KnowledgeBase.open({
      ...fixtureOptions(dirs, true),
      onRetrieved: () => {
        if (!gate) return;
        entered();
        return gate;
      },
    });
    const before = kb.info.hash;
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    const held = kb.search('社保卡丢了怎么挂失补办');
    await reachedRetrieval; // retrieved on the old index; now waiting inside the search
    gate = undefined;

    // New content: an entry first in the file shifts every entry's position, and the card entry's question changes.
    // A held search that read the new version half-way would map its old positions onto the wrong entries.
    const main = join(dirs.contentDir, 'main.yaml');
    const content = readFileSync(main, 'utf8').replace('question: 社保卡丢了怎么挂失补办？', 'question: 社保卡丢失以后怎么挂失、补办？');
    writeFileSync(main, firstEntry + content);
    const info = await kb.reload();
    const fresh = await kb.search('社保卡丢了怎么挂失补办');
    release();
    const old = await held;

    expect(info.hash).not.toBe(before);
    expect(old.version).toBe(before);
    expect(old.hits[0]).toMatchObject({ entryId: 'shebaoka-guashi', question: '社保卡丢了怎么挂失补办？' });
    expect(old.explanation).not.toContain('error');
    expect(fresh.version).toBe(info.hash);
    expect(fresh.hits[0]).toMatchObject({ entryId: 'shebaoka-guashi', question: '社保卡丢失以后怎么挂失、补办？' });
    expect(kb.entry('main-canbao-zhengming')).toBeDefined();
  });

  it('warming up the entries ahead of use changes no answer, and a reload during it serves the new content', async () => {
    const dirs = writeFixture();
    const cold = await KnowledgeBase.open(fixtureOptions(dirs, true));
    const warm = await KnowledgeBase.open(fixtureOptions(dirs, true));
    await warm.warmUp();
    for (const q of ['公积金怎么取出来', '社宝断交了有啥影响', '社保卡丢了怎么挂失补办', '今天天气怎么样', '灵活就业咋交']) {
      expect(await warm.search(q)).toEqual(await cold.search(q));
    }

    const warming = cold.warmUp();
    writeFileSync(join(dirs.contentDir, 'extra.yaml'), extraEntry);
    await cold.reload();
    await warming;
    await cold.warmUp();
    expect((await cold.search('参保证明网上能打吗')).hits[0]?.entryId).toBe('main-canbao-zhengming');
  });

  it('a failed reload keeps serving the old index', async () => {
    const dirs = writeFixture();
    const kb = await KnowledgeBase.open(fixtureOptions(dirs, true));
    writeFileSync(join(dirs.contentDir, 'broken.yaml'), '- id: Broken\n');
    await expect(kb.reload()).rejects.toThrow(/knowledge\/content/);
    expect((await kb.search('社保卡丢了怎么挂失补办')).hits[0]?.entryId).toBe('shebaoka-guashi');
  });
});
