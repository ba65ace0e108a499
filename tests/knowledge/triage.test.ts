// What a message is before it is a question: small talk, a request for a person, a complaint, a personal case,
// personal data, distress, another department's matter. Tables of spoken forms, written for these tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { compactKey } from '../../knowledge/text/normalize.ts';
import { classify } from '../../knowledge/triage/classify.ts';
import { findCue } from '../../knowledge/triage/cues.ts';
import { DepartmentMatcher } from '../../knowledge/triage/departments.ts';
import { loadVocabulary } from '../../knowledge/triage/vocabulary.ts';
import { ENTRIES, fixtureOptions, writeFixture } from './fixture-kb.ts';

describe('small talk', () => {
  it.each([
    ['您好呀', 'greeting'],
    ['在不在啊', 'greeting'],
    ['哈喽 打扰一下', 'greeting'],
    ['早安', 'greeting'],
    ['？', 'greeting'],
    ['……', 'greeting'],
    ['。。。', 'greeting'],
    ['谢谢啦', 'thanks'],
    ['非常感谢您', 'thanks'],
    ['好嘞', 'thanks'],
    ['嗯嗯嗯', 'thanks'],
    ['明白了 谢谢', 'thanks'],
    ['收到了哈', 'thanks'],
    ['OK的', 'thanks'],
    ['拜拜', 'goodbye'],
    ['好的 再见', 'goodbye'],
    ['那我先下了啊', 'goodbye'],
    ['抱歉抱歉，刚才发错了', 'greeting'],
    ['这边是自动回复的吧', 'identity'],
    ['你们这个服务可以的', 'thanks'],
    ['阿里嘎多', 'thanks'],
    ['行 那先这样', 'goodbye'],
    ['下次再来问', 'goodbye'],
    ['没事了 谢谢你', 'goodbye'],
    ['謝謝 再見', 'goodbye'],
    ['你是真人吗？', 'identity'],
    ['是自动回复吗', 'identity'],
    ['你们是哪个单位的', 'identity'],
    ['你好 你能干什么', 'identity'],
    ['不好意思 打错了', 'greeting'],
    ['发错了', 'greeting'],
    ['好的 我再看看', 'thanks'],
    ['没看懂啊', 'unclear'],
    ['还是不太明白', 'unclear'],
    ['好的 再说一遍', 'repeat'],
    ['是机器回复的吗', 'identity'],
    ['这个机器人都能问啥', 'identity'],
    ['这个系统谁开发的', 'identity'],
    ['okk', 'thanks'],
  ])('%s → %s', (text, act) => {
    expect(classify(text)).toEqual({ kind: 'small_talk', act });
  });

  it.each([
    ['👌', 'thanks'],
    ['😊😊', 'greeting'],
    ['哈哈哈', 'thanks'],
    ['你吃了吗', 'greeting'],
    ['你好笨啊', 'identity'],
    ['中秋快乐呀', 'greeting'],
  ])('emoji, laughter, chat and teasing: %s → %s', (text, act) => {
    expect(classify(text)).toEqual({ kind: 'small_talk', act });
  });

  it.each(['你好 社保断缴了怎么办', '谢谢 那失业金能领多久', '好的 那公积金呢', '嗯 工伤认定要多久', '测试一下', '不好意思 社保基数报错了怎么改'])(
    'a polite start does not make a question small talk, nor does laughter: %s',
    (text) => {
      expect(classify(text)).toEqual({ kind: 'question' });
    },
  );
});

describe('requests for a person', () => {
  it.each(['真人真人真人！！', '转人工 人工', '人公客服', '转仁工', '轉人功'])(
    '%s (said again, or with the wrong characters for the same sounds) → the human route',
    (text) => {
      expect(classify(text)).toEqual({ kind: 'human' });
      expect(findCue(compactKey(text))?.reason).toBe('human_request');
    },
  );

  it.each(['人工受精能报销吗', '返聘的人工伤了怎么办', '工人受伤了怎么办', '客户要开缴费证明'])('%s is a question, not a request for a person', (text) => {
    expect(classify(text)).toEqual({ kind: 'question' });
  });

  it.each(['转人工', '人工', '人工客服', '我要找真人客服', '帮我接人工', '能转人工吗', '不想和机器人说 找个活人聊聊', '请联系工作人员'])(
    '%s → the human route',
    (text) => {
      expect(classify(text)).toEqual({ kind: 'human' });
      expect(findCue(compactKey(text))?.reason).toBe('human_request');
    },
  );

  it.each([
    '麻烦安排个专员跟我对接',
    '叫你们负责人出来',
    '找个明白人给我讲讲',
    '让工作人员给我回个电话',
    '我想跟你们客服通话',
    '说了好几遍你都答非所问',
    '人工呢 人工',
    '来个人工',
    '来位客服吧',
    '能不能让个真人跟我说',
    '0',
    '给我接社保局的工作人员',
    '坐席在吗，转一下',
    '我要和客服mm说话',
    '可以帮我转给专员吗',
    '有没有人能帮我看看',
    '能找个人跟我说说吗',
    '能不能派人来我们公司',
    '找你们上级',
    '机器人没用',
    '人呢？？',
    '转接一下',
    '在线客服',
    '给我转到社保科的同志',
    '转人',
    '有专员能指导一下吗',
    '能视频指导一下怎么操作吗',
    '机器人走开',
    '你是机器人吗 我要找人',
    '你们这儿有没有能做主的',
    '快来个人',
    '能不能建个单子让人处理',
    '这种情况你们能派人去厂里核查吗',
    '有没有负责这块的老师',
    '给我个能说话的人',
    '叫个懂社保的来',
    '有没有专门管社保的人',
    '能和工作人员视频吗',
    '请帮忙转给社保中心处理',
    '我需要一对一咨询',
    '能否请专业人员解答',
  ])('a person word after a request verb, or a call-back: %s', (text) => {
    expect(classify(text)).toEqual({ kind: 'human' });
  });

  it.each([
    '社保转到新单位要怎么办',
    '我想找个人给我代缴社保 可以吗',
    '喂 有人没',
    '退休资格认证可以视频认证吗',
    '公司新来个人怎么交社保',
    '医保关系怎么转到医保中心',
    '工伤职工可以申请专业人员指导康复吗',
    '一对一帮扶的失业人员有补贴吗',
  ])('no request for a person: %s', (text) => {
    expect(classify(text).kind).not.toBe('human');
  });

  it.each(['人工流产能休几天', '人工授精医保能报吗', '工伤待遇的本人工资怎么算', '人工关节医保能报吗', '要个人工资证明 去哪开'])(
    '人工 inside a topic is not a request: %s',
    (text) => {
      expect(classify(text)).toEqual({ kind: 'question' });
      expect(findCue(compactKey(text))).toBeUndefined();
    },
  );

  it.each(['我找了社保局的工作人员 他们说要带户口本', '联系到医保中心的专员了 下一步做什么'])('a person already reached is not a request: %s', (text) => {
    expect(classify(text)).toEqual({ kind: 'question' });
    expect(findCue(compactKey(text))).toBeUndefined();
  });
});

describe('handoff cues', () => {
  it.each([
    ['我要投诉社保局窗口的人', 'complaint'],
    ['实名举报某公司偷逃社保', 'complaint'],
    ['你们这服务态度太差了', 'complaint'],
    ['帮我催一下审批', 'personal_case'],
    ['我的申请到哪一步了', 'personal_case'],
    ['等了两个月都没消息', 'personal_case'],
    ['帮我查查我的缴费记录', 'personal_case'],
    ['电话13800001111', 'personal_data'],
    ['信用代码91350100M000100Y43', 'personal_data'],
    ['我不想活了', 'urgent'],
    ['厂房着火了快来人', 'urgent'],
    ['我已经想好了 今晚就上吊', 'urgent'],
    ['车间有人触电了', 'urgent'],
    ['再不给办我就死在你们门口', 'urgent'],
    ['窗口的人爱理不理的', 'complaint'],
    ['材料递上去快两个月了 咋还没动静', 'personal_case'],
    ['有人冒用我的名字领了失业金', 'complaint'],
    ['我明明交了社保 为啥查不到记录', 'personal_case'],
    ['居民医保明明交了 系统显示未参保', 'personal_case'],
    ['公司把我的社保基数报低了 我要查这几年的', 'complaint'],
    ['单位给我的医保停掉了 也没说一声', 'complaint'],
    // Asking where to complain, about one's own employer or case: the hotline takes the complaint.
    ['我们公司一直不给交医保 该去哪投诉', 'complaint'],
    ['厂里逼我们签放弃社保的协议 能举报吗', 'complaint'],
    ['那个中介收了钱不办事 怎么投诉他们', 'complaint'],
    // Wronged in so many words, and a crowd about to act.
    ['单位克扣工伤赔偿 我要维权', 'complaint'],
    ['公积金中心乱收费', 'complaint'],
    ['领导说不交社保就滚蛋', 'complaint'],
    ['老板不给我们买社保 去哪告他', 'complaint'],
    ['我们几十个工人被拖欠工资 准备去堵政府大门', 'urgent'],
    // A leak, a flooded mine, someone up a crane: dangers of the workplace, not another department's matter.
    ['化工厂泄漏了', 'urgent'],
    ['矿井透水了', 'urgent'],
    ['工人讨薪爬到塔吊上了', 'urgent'],
    // Something about to blow up or give way, people trapped, gas escaping, a canteen poisoning.
    ['厂里锅炉好像要爆了', 'urgent'],
    ['厂房墙体开裂 随时可能倒', 'urgent'],
    ['电梯困人了 里面有个孕妇', 'urgent'],
    ['天然气管道被挖断了 在漏气', 'urgent'],
    ['食堂吃完饭十几个员工上吐下泻', 'urgent'],
    ['有个农民工爬上广告牌要跳', 'urgent'],
    ['有人倒卖医保卡', 'complaint'],
    ['我名下怎么有个单位给我交社保', 'complaint'],
    ['对社保局的答复不满意', 'complaint'],
    ['公司不给员工交公积金 领导还威胁我们', 'complaint'],
    ['我要去市长热线告你们', 'complaint'],
    ['药店刷医保卡买日用品 这个要管管', 'complaint'],
    ['这个月医保个人账户没划进来 麻烦查一下原因', 'personal_case'],
    ['去年的医疗费用二次报销到现在没结', 'personal_case'],
    // One's own record against what others got or what was paid; an office's own mistake.
    ['同一批退休的都调了 我的养老金咋没涨', 'personal_case'],
    ['我爸的退休金这个月 我的怎么少发了', 'personal_case'],
    ['我们公司的补贴为啥少给了', 'personal_case'],
    ['社保费从账户里扣走了 网上却查不到缴费记录', 'personal_case'],
    ['单位的基数算错了 多扣了我们半年 钱要退回来', 'personal_case'],
    ['以前下乡那几年没给我算进去', 'personal_case'],
    ['慢性病门诊申请了两次都批不下来', 'personal_case'],
    ['当时交不上是你们系统的问题 凭啥让我们出滞纳金', 'complaint'],
    ['明明是你们窗口搞错了 还让我们重新跑', 'complaint'],
    ['老人去世了 个人账户余额怎么还没退给家属', 'personal_case'],
    ['增员一直加不上 能不能找人看看我们的单位账户', 'personal_case'],
    ['挖掘机翻了 司机卡在驾驶室里', 'urgent'],
    ['厂子关门了宿舍也不让住 今晚没地方睡', 'urgent'],
    // The means made ready, affairs put in order: the words of someone who has decided.
    ['绳子我都准备好了 你们看着办吧', 'urgent'],
    ['后事都交代好了 就这样吧', 'urgent'],
    ['工钱没结 身上一分钱都没有 两天没吃饭了', 'urgent'],
    ['麻烦有个人能耐心听我说', 'human_request'],
  ])('%s → %s', (text, reason) => {
    expect(findCue(compactKey(text))?.reason).toBe(reason);
  });

  it.each([
    '怎么投诉单位不交社保',
    '公司不交社保可以去哪投诉',
    '投诉电话是多少',
    '那举报要去哪里',
    '员工要辞职回老家 他的社保怎么转回去 麻烦帮忙看看',
    '投诉该找谁',
    '帮我查下生育津贴怎么领',
    '2024年12月的社保',
    '<script>alert(1)</script>',
    '公司快撑不下去了社保能缓缴吗',
    '养老保险交了15年了还要交吗',
    '申请了一个月了在哪能查进度',
    '社保扣款失败了 账上明明有钱 现在该怎么办',
    '原单位上个月15号给我停了医保 中间这段时间住院能报吗',
    '离职了要告诉公司什么时候停社保吗',
    '工伤报告他们单位要多久交',
    '签了不买社保的协议以后员工还能告公司吗',
    '瓦斯检测员的社保',
    '医保卡可以套现吗',
    '今年养老金怎么调整 每个人涨得一样吗',
    '社保多扣了怎么申请退费',
    '视同缴费年限怎么算进去',
    '慢特病申请要什么材料',
    '我老婆的公积金能用来还我名下的房贷吗',
    '对鉴定结果不满意能重新鉴定吗',
    '对工伤认定结果不满意怎么办',
    '员工说要跳槽 社保怎么转',
    '公司马上倒闭了 欠的社保怎么办',
    '下个月就要倒班了 夜班路上受伤算工伤吗',
    '新招的保安55岁了 还没退休 要交职工养老吗',
    '我妈后事办完了 她的养老金个人账户怎么继承',
    '退休手续的材料准备好了 去哪交',
    '原公司不给开离职证明 失业金办不下来怎么办',
    '流程卡在审核这里了怎么办',
  ])('a question about the same words is not a cue: %s', (text) => {
    expect(findCue(compactKey(text))).toBeUndefined();
  });

  it('distress wins over everything else in the same message', () => {
    expect(findCue(compactKey('我要投诉 再不处理我就跳楼'))?.reason).toBe('urgent');
    // A request for a person in an emergency is not the plain human route: the urgent reply says to call 110/120.
    for (const text of ['快派人来 工地有人晕倒了', '转人工 车间着火了']) {
      expect(classify(text)).toEqual({ kind: 'question' });
      expect(findCue(compactKey(text))?.reason).toBe('urgent');
    }
  });
});

describe('other departments’ matters (search on a fixture KB)', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await KnowledgeBase.open(fixtureOptions(writeFixture()));
  });

  it.each([
    ['营业执照年检在哪办', '市场监管'],
    ['孩子入学报名要什么材料', '教育'],
    ['公租房怎么申请', '住建'],
    ['出租车拒载', '交通'],
    ['驾照到期换证', '公安'],
    ['河边有人偷排污水', '生态环境'],
    ['狂犬疫苗去哪打', '卫生健康'],
    ['商场预付卡退不了钱', '商务'],
    ['老板拖欠工资怎么办', '就业人才'],
    ['路灯坏了没人修', '城市管理'],
    ['个人所得税怎么申报', '税务'],
    ['停水了什么时候来水', '城市管理'],
    ['A7县农民请求法律援助', '其他'],
    ['结婚登记要带什么', '其他'],
    // Matters a small business meets, in words other than the textbook ones.
    ['修车铺换下来的废电瓶能卖给收废品的吗', '生态环境'],
    ['想开个舞蹈兴趣班 要什么手续', '教育'],
    ['饭店服务员的健康证去哪办', '卫生健康'],
    ['新开的公司在哪刻公章', '公安'],
    ['申请中华老字号有什么条件', '商务'],
    ['办公室的座机打不出去 报修好几天了', '其他'],
    ['政府组织的职业技能培训怎么报名', '就业人才'],
    ['厂里新接的线 用电报装一个月了还没通', '其他'],
    ['仓库要做消防检查 找哪个部门', '其他'],
    ['第一次做进口 货物报关怎么弄', '其他'],
    // Chasing another department's matter is theirs too: only they can look it up.
    ['个税年度汇算的退税一直显示审核中 都两个月了', '税务'],
  ])('%s → %s, never answered', async (text, key) => {
    const r = await kb.search(text);
    expect(r).toMatchObject({ decision: 'handoff', reason: 'out_of_scope', ticketCategory: key });
    expect(r.department).toBeTruthy();
  });

  it('names the department of a matter filed under 其他: legal aid and notaries are the justice bureau’s', async () => {
    expect(await kb.search('A7县农民请求法律援助')).toMatchObject({ reason: 'out_of_scope', department: '司法行政部门' });
    expect(await kb.search('出生公证要什么材料')).toMatchObject({ reason: 'out_of_scope', department: '司法行政部门' });
    expect((await kb.search('仓库要做消防检查 找哪个部门')).department).toBe('应急管理部门（消防救援机构）');
    expect((await kb.search('第一次做进口 货物报关怎么弄')).department).toBe('海关');
  });

  it('a word of another department is incidental when the entry that answers speaks of it', async () => {
    // 物业费 is 住建's word; an entry about 公积金提取 that names 物业费 answers the question, one that does not, cannot:
    // the question names 公积金, so that entry is offered, with 住建 named beside it.
    const withFees = ENTRIES.map((e) => (e.id === 'gongjijin-tiqu' ? { ...e, alternates: [...e.alternates, '公积金可以用来交物业费吗'] } : e));
    const speaks = await KnowledgeBase.open(fixtureOptions(writeFixture({ entries: withFees })));
    const r = await speaks.search('公积金能取出来交物业费吗');
    expect(r.reason).not.toBe('out_of_scope');
    expect(r.ranked[0]?.entryId).toBe('gongjijin-tiqu');
    const besides = await kb.search('公积金能取出来交物业费吗');
    expect(besides).toMatchObject({ decision: 'clarify', alsoDepartment: '住房和城乡建设部门' });
    expect(besides.hits.map((h) => h.entryId)).toContain('gongjijin-tiqu');
    // Without a scheme of the KB's, the other department's word decides.
    expect(await kb.search('能取出来交物业费吗')).toMatchObject({ reason: 'out_of_scope', ticketCategory: '住建' });
  });
});

describe('the vocabulary file', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kb-vocab-')), 'vocabulary.yaml');
    writeFileSync(file, text);
    return file;
  };
  const minimal = (cue: string) => `small_talk: { goodbye: [再见], identity: [], thanks: [], greeting: [], fillers: [] }
human: { whole: [人工], patterns: [] }
cues:
${cue}
how_to: { procedure: ['怎么'] }
departments: []
followup: { generic: [多久], swap: ['^(?<subject>.+)呢$'] }
`;

  it('loads a minimal file', () => {
    const v = loadVocabulary(write(minimal("  - { reason: complaint, explanation: 投诉, patterns: ['投诉'], unless: [procedure] }")));
    expect(findCue('我要投诉', v)?.reason).toBe('complaint');
    expect(findCue('怎么投诉', v)).toBeUndefined();
  });

  it('names the file when a pattern is not a regular expression or a how_to list is missing', () => {
    expect(() => loadVocabulary(write(minimal("  - { reason: complaint, explanation: 投诉, patterns: ['(投诉'] }")))).toThrow(
      /\[knowledge\/triage\][\s\S]*vocabulary\.yaml:4: cues\.0\.patterns\.0: not a valid regular expression/,
    );
    expect(() => loadVocabulary(write(minimal("  - { reason: complaint, explanation: 投诉, patterns: ['投诉'], unless: [nope] }")))).toThrow(
      /\[knowledge\/triage\].*unknown how_to list.*nope/,
    );
  });
});

describe('DepartmentMatcher', () => {
  const matcher = new DepartmentMatcher(
    [
      { key: '住建', department: '住房和城乡建设部门', words: ['出租', '物业', '物业费'] },
      { key: '交通', department: '交通运输部门', words: ['出租车', '停车费', '车'] },
    ],
    (w) => w,
  );
  const words = (text: string) => matcher.find(text).map((m) => m.word);

  it('takes the longest word first; a word inside a match found already does not count again', () => {
    expect(words('出租车拒载')).toEqual(['出租车']);
    expect(words('物业乱收停车费')).toEqual(['停车费', '物业']);
    expect(words('物业费出租车')).toEqual(['物业费', '出租车']);
  });

  it('names each word once, however often it occurs, and a shorter word where it stands alone', () => {
    expect(words('出租车出租车 出租房子')).toEqual(['出租车', '出租']);
    expect(words('车车车')).toEqual(['车']);
    expect(words('社保断缴')).toEqual([]);
  });

  it('lets a qualifier (农村户口: who someone is) shadow the department word inside it, not one that reaches past it', () => {
    const police = [{ key: '公安' as const, department: '公安机关', words: ['户口', '户口迁'] }];
    const withQualifiers = new DepartmentMatcher(police, (w) => w, { qualifiers: ['农村户口'] });
    const found = (text: string) => withQualifiers.find(text).map((m) => m.word);
    expect(found('农村户口的员工要交社保吗')).toEqual([]);
    expect(found('农村户口迁到城里要啥手续')).toEqual(['户口迁']);
    expect(found('上户口要带什么')).toEqual(['户口']);
  });

  it('lets a KB-matter qualifier (孩子上学: who is insured) shadow its department word only where the message is about the KB', () => {
    const schools = [{ key: '教育' as const, department: '教育部门', words: ['上学'] }];
    const matcher = new DepartmentMatcher(schools, (w) => w, { kbQualifiers: ['孩子上学'], aboutTheKb: (text) => text.includes('医保') });
    const found = (text: string) => matcher.find(text).map((m) => m.word);
    expect(found('孩子上学医保在哪交')).toEqual([]);
    expect(found('孩子上学的事找谁')).toEqual(['上学']);
  });

  it('reads a department word before a worker (快递员, 出租车司机) or naming one (护士) as where or who someone works in a KB question', () => {
    const rules = [
      { key: '交通' as const, department: '交通运输部门', words: ['快递', '出租车', '出租'] },
      { key: '卫生健康' as const, department: '卫生健康部门', words: ['医院', '护士'] },
    ];
    const matcher = new DepartmentMatcher(rules, (w) => w, { aboutTheKb: (text) => /社保|工伤|产假/.test(text), workers: ['员', '司机', '护士'] });
    const found = (text: string) => matcher.find(text).map((m) => m.word);
    expect(found('快递员的社保谁交')).toEqual([]);
    expect(found('出租车司机工伤怎么认定')).toEqual([]);
    expect(matcher.workplaces('出租车司机工伤怎么认定')).toEqual(['出租车']);
    expect(found('医院护士产假多少天')).toEqual([]);
    expect(found('出租车司机绕路')).toEqual(['出租车']);
    expect(found('护士打针太疼')).toEqual(['护士']);
    expect(found('快递丢了要交社保吗')).toEqual(['快递']);
  });
});
