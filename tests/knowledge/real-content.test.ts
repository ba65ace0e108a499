// Checks on the real KB, through the saved index (data/index, built once and reused while content and code are
// unchanged). They avoid naming entries where they can, since the content keeps changing; the held-out guard is
// the product's promise: answer most questions directly, almost never wrongly.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../knowledge/content/load.ts';
import { runCases, summarize } from '../../knowledge/eval/metrics.ts';
import { confusion } from '../../knowledge/eval/report.ts';
import { HELDOUT_FILE, loadCases } from '../../knowledge/eval/sets.ts';
import { KnowledgeBase } from '../../knowledge/search.ts';

let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await KnowledgeBase.open(); // the default index directory: a second run reuses the saved index
}, 120_000);

/**
 * Floors and ceilings for the old held-out set (349 questions written apart from the KB, never used to tune), set
 * a little below what the KB reaches (measured: 64 % answered right, 98 % right directly or among choices, 2 wrong
 * answers). A change that makes the bot guess, or stop answering, fails CI.
 */
const HELDOUT_GUARD = { maxWrongAnswers: 4, minAnsweredRight: 0.6, minRightAmongChoices: 0.95 };

describe('the real KB', () => {
  it('validates without errors', () => {
    const { issues, entries } = loadContent({ strict: false });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(entries.length).toBeGreaterThan(50);
  });

  it('keeps the held-out promise: few wrong answers, most questions answered directly', async () => {
    const cases = loadCases(HELDOUT_FILE);
    expect(cases?.length).toBeGreaterThan(300);
    const results = await runCases(kb, cases ?? []);
    const s = summarize(results);
    const figures = `answered right ${(s.answeredRight * 100).toFixed(1)} %, right directly or among choices ${((s.answeredRight + s.clarifiedRight) * 100).toFixed(1)} %, wrong answers ${s.wrongAnswers}\n${confusion(results)}`;
    expect(s.wrongAnswers, figures).toBeLessThanOrEqual(HELDOUT_GUARD.maxWrongAnswers);
    expect(s.answeredRight, figures).toBeGreaterThanOrEqual(HELDOUT_GUARD.minAnsweredRight);
    expect(s.answeredRight + s.clarifiedRight, figures).toBeGreaterThanOrEqual(HELDOUT_GUARD.minRightAmongChoices);
  }, 60_000);

  it('finds each entry by its own standard question, and mostly answers it', async () => {
    const entries = kb.entries();
    let top1 = 0;
    let answered = 0;
    for (const e of entries) {
      const r = await kb.search(e.question);
      if (r.ranked[0]?.entryId === e.id) top1++;
      if (r.decision === 'answer' && r.hits[0]?.entryId === e.id) answered++;
    }
    expect(top1 / entries.length).toBeGreaterThan(0.97);
    expect(answered / entries.length).toBeGreaterThan(0.85);
  });

  it.each([
    ['工伤认定怎么申请', /工伤认定/],
    ['退休需要什么条件', /退休/],
    ['城乡居民医保一年交多少钱', /居民医保/],
    ['社保卡丢了可以在网上补办吗', /社保卡/],
    ['工伤待遇有哪些', /工伤/],
    ['婴儿怎么参加医保', /新生儿/],
    ['农村医疗保险怎么交', /居民医保/],
  ])('answers a textbook question directly: %s', async (q, topic) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('answer');
    expect(kb.entry(r.hits[0]!.entryId)?.question).toMatch(topic);
  });

  it.each(['我们公司刚招了个大学生，社保咋弄', '新来了一个员工 社保要怎么交'])('reads someone just hired as a new employee (增员 first): %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).not.toBe('handoff');
    expect(r.hits[0]?.entryId).toBe('dengji-zengyuan');
  });

  it('an id merged into another entry still resolves, in lookups and as a conversation’s last entry', async () => {
    const merged = kb.entries().find((e) => e.aliases.length > 0);
    expect(merged).toBeDefined();
    const alias = merged!.aliases[0]!;
    expect(kb.entry(alias)?.id).toBe(merged!.id);
    expect((await kb.search('需要带什么材料', { lastEntryId: alias })).needsContext).toBeUndefined();
  });

  it('never answers a follow-up without its conversation, and reads it with one', async () => {
    expect((await kb.search('能领多久？')).needsContext).toBe(true);
    // 意思 is in a standard question (…是什么意思) but names no topic: 什么意思 is about the last reply (small talk,
    // `unclear`), never an answer from the entry that happens to use the word (it was 门诊共济, at 89 %).
    for (const text of ['什么意思', '啥意思？', '这个是什么意思呀']) {
      expect(kb.classify(text)).toEqual({ kind: 'small_talk', act: 'unclear' });
      expect((await kb.search(text)).decision).not.toBe('answer');
    }
    // Alone, the service's own phone or address is a question about reaching it; after an answer, that matter's.
    expect((await kb.search('咨询电话是多少')).hits[0]?.entryId).toBe('qudao-zhengce-zixun');
    expect((await kb.search('你们地址在哪')).hits[0]?.entryId).toBe('qudao-chuangkou');
    expect((await kb.search('打什么电话', { lastEntryId: 'shebaoka-guashi' })).resolvedAs).toContain('社保卡');
    const first = await kb.search('失业保险金怎么申领');
    expect(first.decision).toBe('answer');
    const r = await kb.search('能领多久？', { lastEntryId: first.hits[0]!.entryId });
    expect(r.decision).toBe('answer');
    expect(kb.entry(r.hits[0]!.entryId)?.question).toMatch(/多久/);
  });

  it('reads a new figure that asks nothing ("交了6年", "断了三个月呢") as the last question asked again with it, not as its topic alone', async () => {
    // 失业金 + 我交了10年 alone was read as how long benefit lasts; after "how much a month" it is how much.
    const amount = await kb.search('我交了10年', { lastEntryId: 'shiye-jin-biaozhun' });
    expect(amount.decision).toBe('answer');
    expect(amount.hits[0]?.entryId).toBe('shiye-jin-biaozhun');
    const duration = await kb.search('交了6年', { lastEntryId: 'shiye-lingqu-qixian' });
    expect(duration.decision).toBe('answer');
    expect(duration.hits[0]?.entryId).toBe('shiye-lingqu-qixian');
    // "…呢" with a figure swaps in a new amount, not a new subject: the last entry stays in play.
    const gap = await kb.search('断了三个月呢', { lastEntryId: 'yibao-duanjiao-yingxiang' });
    expect(gap.decision).toBe('answer');
    expect(gap.hits[0]?.entryId).toBe('yibao-duanjiao-yingxiang');
    // A figure short of a condition (没交满一年) asks whether one qualifies: not the last question (what to bring) again.
    const short = await kb.search('单位没交满一年呢', { lastEntryId: 'shengyu-jintie-cailiao' });
    expect(short.hits[0]?.entryId).not.toBe('shengyu-jintie-cailiao');
    // A message with its own ask keeps only the topic: 要带什么材料 is not asked about the last question's time limit.
    expect((await kb.search('要带什么材料', { lastEntryId: 'gongshang-rending-shenqing-shixian' })).resolvedAs).not.toMatch(/时限/);
  });

  it('takes a question about a disability grade alone at its word: 伤残 names its subject, it is no follow-up without context', async () => {
    for (const text of ['十级伤残能拿多少钱', '九级伤残能领多少']) {
      const result = await kb.search(text);
      expect(result.needsContext).toBeUndefined();
      // The KB's own phrasing is answered; a new wording of it may be offered as the first choice.
      if (text === '十级伤残能拿多少钱') expect(result.decision).toBe('answer');
      else expect(['answer', 'clarify']).toContain(result.decision);
      expect(result.hits[0]?.entryId).toBe('gongshang-yicixing-shangcan-buzhujin');
    }
  });

  it('reads another department’s word, or a message without a scheme, against the conversation: offered, or answered by an entry that names the thing', async () => {
    // Alone, 户口本 is the police's matter; after 社保卡激活 it is a document the card's entry asks for.
    expect((await kb.search('要带户口本吗')).department).toBeDefined();
    const card = await kb.search('要带户口本吗', { lastEntryId: 'shebaoka-jihuo' });
    expect(card.department).toBeUndefined();
    expect(card.decision).toBe('clarify');
    expect(card.hits.map((h) => h.entryId)).toContain('shebaoka-jihuo');
    // But another department's own matter, asked in the middle of a conversation, stays that department's.
    for (const last of ['shengyu-peichan-jia', 'shebaoka-jihuo']) {
      const licence = await kb.search('营业执照丢了咋补', { lastEntryId: last });
      expect(licence.reason).toBe('out_of_scope');
      expect(licence.department).toBe('市场监督管理部门');
    }
    // Whether another department's thing is needed or will do, where the conversation's entry names it, is answered
    // from that entry (交警 and the accident entry, 二手房 and the purchase withdrawal); alone, or where the entry
    // does not name it (营业执照 after 社保卡挂失), it stays that department's.
    for (const [text, last] of [
      ['要交警的责任认定书吗', 'gongshang-shangxiaban-tuzhong'],
      ['二手房行不行', 'gongjijin-goufang-tiqu'],
    ] as const) {
      expect((await kb.search(text)).department).toBeDefined();
      const inContext = await kb.search(text, { lastEntryId: last });
      expect(inContext.department).toBeUndefined();
      expect(inContext.decision).toBe('answer');
      expect(inContext.hits[0]?.entryId).toBe(last);
    }
    const notNamed = await kb.search('营业执照可以吗', { lastEntryId: 'shebaoka-guashi' });
    expect(notNamed.department).toBe('市场监督管理部门');
    // Reissuing the ID card itself is the police's, even right after the card's entry, which names 身份证 as a document.
    expect((await kb.search('身份证能补吗', { lastEntryId: 'shebaoka-guashi' })).department).toBe('公安机关');
    expect((await kb.search('要带身份证吗', { lastEntryId: 'shebaoka-guashi' })).department).toBeUndefined();
    // A swap to another department's word that the conversation's entry speaks of (户口: the fund's withdrawal rules
    // for 外地户口) is answered in context; a swap to that department's own matter (身份证丢了) stays theirs.
    const hukou = await kb.search('户口在外地的呢', { lastEntryId: 'gongjijin-lizhi-tiqu' });
    expect(hukou.department).toBeUndefined();
    expect(hukou.decision).toBe('answer');
    expect(hukou.hits[0]?.entryId).toBe('gongjijin-lizhi-tiqu');
    const id = await kb.search('那身份证丢了呢', { lastEntryId: 'shebaoka-guashi' });
    expect(id.reason).toBe('out_of_scope');
    expect(id.department).toBeDefined();
    // A swap to a situation the schemes turn on stays in the conversation, whichever department also handles it:
    // after 主动辞职能领失业金吗, 被辞退 is the other way to lose a job, not a labour dispute.
    const dismissed = await kb.search('那被辞退的呢', { lastEntryId: 'shiye-zhudong-cizhi' });
    expect(dismissed.department).toBeUndefined();
    expect(dismissed.decision).not.toBe('handoff');
    expect(dismissed.hits[0]?.entryId).toMatch(/^shiye-/);
    // 住院报销比例 → 门诊呢 asks about 门诊 instead of 住院 (one slot: where care is given), not both.
    const swap = await kb.search('门诊呢', { lastEntryId: 'yibao-baoxiao-bili' });
    expect(swap.resolvedAs).toMatch(/门诊/);
    expect(swap.resolvedAs).not.toMatch(/住院/);
    // 缴存比例 → 基数呢 asks about the base instead of the rate (one slot: which figure), and is answered.
    const base = await kb.search('基数呢', { lastEntryId: 'gongjijin-jiaocun-bili' });
    expect(base.resolvedAs).not.toMatch(/比例/);
    expect(base.decision).toBe('answer');
    expect(base.hits[0]?.entryId).toBe('gongjijin-jiaocun-jishu');
  });

  it('answers how an employer pays the housing fund, not how to withdraw it: 公积金怎么交', async () => {
    const r = await kb.search('公积金怎么交');
    expect(r.decision).toBe('answer');
    expect(r.hits[0]?.entryId).toBe('gongjijin-huijiao');
  });

  it('reads 工商 as 工伤 when a hand got caught in a machine, and 员工伤了 as an injury, not as a fragment', async () => {
    const typed = await kb.search('员工在厂里被机器夹了手 算工商吗');
    const meant = await kb.search('员工在厂里被机器夹了手 算工伤吗');
    expect(typed.hits.map((h) => h.entryId)).toEqual(meant.hits.map((h) => h.entryId));
    expect(typed.hits[0]?.entryId).toMatch(/^(gongshang|teshu)-/);
    expect((await kb.search('机器设备买卖要去工商登记吗')).decision).toBe('handoff'); // no injury: 工商 stays 工商
    const hurt = await kb.search('员工伤了怎么办');
    expect(hurt.needsContext).toBeUndefined();
    expect(hurt.hits[0]?.entryId).toMatch(/^gongshang-/);
    // What the injury was (骨折, 烫伤) is 受伤 to the index: a message naming no scheme still reaches the work-injury entries.
    const fell = await kb.search('员工摔了一跤骨折了咋整');
    expect(fell.decision).not.toBe('handoff');
    expect(fell.hits[0]?.entryId).toMatch(/^gongshang-/);
  });

  it.each(['员工工资变了社保要变吗', '员工降薪了社保基数能降吗'])('reads a pay change in any words as 调薪: %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).not.toBe('handoff');
    expect(r.hits[0]?.entryId).toBe('dengji-jishu-gengzheng');
  });

  it('offers the entries about the scheme a question names first, however close another scheme’s wording', async () => {
    // 失业金每月发多少 is worded almost like it; the pension entry comes first among the choices.
    const r = await kb.search('养老金每个月发多少');
    expect(r.decision).not.toBe('handoff');
    expect(r.hits[0]?.entryId).toMatch(/^yanglao-/);
  });

  it('reads 农村户口 / 外地户口 as who an employee is, not as a matter for the police; moving a registration still is', async () => {
    const employee = await kb.search('外地户口的员工要不要交五险');
    expect(employee.decision).toBe('answer');
    expect(employee.hits[0]?.entryId).toBe('dengji-huji-buxian');
    const villager = await kb.search('农村户口的村民能一次性补缴养老保险吗');
    expect(villager.department).toBeUndefined();
    expect(villager.hits[0]?.entryId).toMatch(/^yanglao-/);
    expect((await kb.search('户口迁到这边要啥手续')).department).toBe('公安机关');
  });

  it('reads 孩子上学 as who is insured in a question about insurance, and as the school’s matter otherwise', async () => {
    const pupil = await kb.search('孩子上学医保在哪交');
    expect(pupil.department).toBeUndefined();
    expect(pupil.hits.map((h) => h.entryId)).toContain('yibao-jumin-jiaofei');
    expect((await kb.search('孩子上学的事找谁')).department).toBe('教育部门');
  });

  it.each(['快递小哥的社保谁交', '出租车司机工伤怎么认定', '医院护士产假多少天', '物业保安要交社保吗', '酒店员工的社保'])(
    'reads where someone works as who is insured, not as that department’s matter: %s',
    async (text) => {
      const r = await kb.search(text);
      expect(r.department).toBeUndefined();
      expect(r.decision).not.toBe('handoff');
    },
  );

  it.each([
    ['二手房贷款能用公积金吗', '住房和城乡建设部门', /^gongjijin-/],
    ['开美容院要给员工交社保吗', '市场监督管理部门', /^dengji-/],
    ['残疾证办下来了社保有优惠吗', '民政部门', /^jianfu-/],
  ])('offers the KB’s entries for a question about its schemes that also names another department’s thing, naming it: %s', async (text, department, entry) => {
    const r = await kb.search(text);
    expect(r).toMatchObject({ decision: 'clarify', alsoDepartment: department });
    expect(r.hits[0]?.entryId).toMatch(entry);
  });

  it.each([
    ['快递员态度差', '交通运输部门'],
    ['医生态度太差了', '卫生健康部门'],
  ])('still sends a worker’s own conduct to their department: %s', async (text, department) => {
    expect((await kb.search(text)).department).toBe(department);
  });

  it.each([
    ['shebaoka-jihuo', '要本人去吗', /本人持身份证/],
    ['shebaoka-guashi', '工本费多少钱', /工本费/],
    ['shebaoka-guashi', '补办要钱吗', /工本费/],
    ['gongjijin-zufang-tiqu', '一年能提多少', /额度和频次/],
    ['yibao-yidi-beian', '能在手机上办吗', /App/],
    ['shengyu-jintie-jisuan', '难产的话能多几天不', /难产增加15天/],
  ])('a follow-up on the entry just answered (%s) quotes the lines of its answer that speak to it: %s', async (last, text, line) => {
    const r = await kb.search(text, { lastEntryId: last });
    expect(r.decision).toBe('answer');
    expect(r.hits[0]?.entryId).toBe(last);
    expect(r.passages?.length).toBeLessThanOrEqual(3);
    expect(r.passages?.some((p) => line.test(p))).toBe(true);
  });

  it('does not repeat the entry just answered to a follow-up asking what no line of it gives: says so (钱什么时候能到账)', async () => {
    const r = await kb.search('钱什么时候能到账', { lastEntryId: 'shiye-wengang-fanhuan-shenqing' });
    expect(r.decision).toBe('clarify');
    expect(r.notInLastAnswer).toBe(true);
  });

  it('does not answer with the entry just read what no line of it gives, when its reading is unsure either (鉴定费谁来出)', async () => {
    // Its confidence sits at the follow-up bar (0.67): unsure, it is offered among choices, not answered or refused.
    const r = await kb.search('鉴定费谁来出', { lastEntryId: 'gongshang-laodong-nengli-jianding' });
    expect(r.decision).toBe('clarify');
  });

  it('a swap answered by the entry just read quotes its lines on the new subject, not the whole answer again (女的呢 after 退休年龄)', async () => {
    const r = await kb.search('女的呢', { lastEntryId: 'yanglao-fading-tuixiu-nianling' });
    expect(r).toMatchObject({ decision: 'answer', hits: [{ entryId: 'yanglao-fading-tuixiu-nianling' }] });
    expect(r.passages?.length).toBeGreaterThan(0);
    expect(r.passages?.every((p) => /女/.test(p))).toBe(true);
  });

  it('an entry that says a figure is local speaks to a question about it (陪产假: 天数…以当地条例为准)', async () => {
    const r = await kb.search('具体几天', { lastEntryId: 'shengyu-peichan-jia' });
    expect(r).toMatchObject({ decision: 'answer', hits: [{ entryId: 'shengyu-peichan-jia' }] });
    expect(r.passages?.some((p) => /天数/.test(p))).toBe(true);
    expect(r.notInLastAnswer).toBeUndefined();
  });

  it('quotes nothing for a whole question, nor for a follow-up answered with another entry', async () => {
    expect((await kb.search('社保卡丢了怎么补办', { lastEntryId: 'shebaoka-guashi' })).passages).toBeUndefined();
    const other = await kb.search('要带什么材料', { lastEntryId: 'gongshang-rending-jielun-shixian' });
    expect(other.hits[0]?.entryId).not.toBe('gongshang-rending-jielun-shixian');
    expect(other.passages).toBeUndefined();
  });

  it('does not let a short message without a scheme leave the conversation’s subject, nor repeat an entry that is silent on a swapped subject', async () => {
    // Alone, 工资照发吗 could be about 陪产假 or 停工留薪期 (users ask both that way) and is offered, 陪产假 first;
    // after 停工留薪期 it is about that.
    const alone = await kb.search('工资照发吗');
    expect(alone.decision).toBe('clarify');
    expect(alone.hits[0]?.entryId).toBe('shengyu-peichan-jia');
    const pay = await kb.search('工资照发吗', { lastEntryId: 'gongshang-tinggong-liuxin-gongzi' });
    expect(pay.decision).not.toBe('handoff');
    expect(pay.hits[0]?.entryId).toBe('gongshang-tinggong-liuxin-gongzi');
    // 那公务员呢 after 养老金资格认证: the entry never speaks of 公务员, so it is offered again, not asserted.
    const swap = await kb.search('那公务员呢', { lastEntryId: 'yanglao-zige-renzheng' });
    expect(swap.decision).toBe('clarify');
  });

  it('answers one of its own phrasings even when it names another department’s word (发票 of a hospital bill)', async () => {
    const bill = await kb.search('住院发票丢了还能报销吗');
    expect(bill.department).toBeUndefined();
    expect(bill.decision).toBe('answer');
    expect(bill.hits[0]?.entryId).toBe('yibao-shougong-baoxiao');
    expect((await kb.search('饭店不给开发票')).department).toBe('税务部门');
  });

  it.each(['火星上的房价多少', '驾驶证到期了怎么换证', '小区门口有人乱摆摊城管管不管', '讲个笑话吧'])('hands over %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
    expect(r.reason).toBe('out_of_scope');
  });

  it.each([
    ['社宝卡丢了怎么补办', /社保卡/],
    ['公基金怎么取出来', /公积金/],
    ['医宝卡丢了', /医保|社保卡/],
  ])('tolerates the typo in %s', async (q, topic) => {
    const r = await kb.search(q);
    expect(r.decision).not.toBe('handoff');
    expect(r.explanation).toMatch(/已纠正/);
    expect(kb.entry(r.ranked[0]!.entryId)?.question).toMatch(topic);
  });

  it.each([
    ['缴费技术在哪里修改', 'dengji-jishu-gengzheng'],
    ['社卡补办要多久', 'shebaoka-guashi'],
    ['丧藏费怎么领', 'yanglao-siwang-daiyu'],
    ['扶恤金给谁', 'gongshang-gongwang-fuxujin'],
  ])('reads a typo the sound corrector cannot (a real word, a dropped character) through the synonym table: %s', async (q, entry) => {
    const r = await kb.search(q);
    expect(r.decision).not.toBe('handoff');
    expect(r.ranked.slice(0, 3).map((h) => h.entryId)).toContain(entry);
  });
});
