// What a message is before it is a question for the knowledge base: small talk, a request for a person, a
// complaint, a personal case, personal data or distress. One vocabulary, used by the bot's intent step (through
// the knowledge port's `classify`) and by search (a KB answer to these would be a wrong answer even when the topic
// words match: 帮我查下我家的社保 is about 社保, but no FAQ can look it up).
// Patterns run on the compact normalized text (Simplified, lower-case, no punctuation or spaces).

export type HandoffReason =
  | 'human_request'
  | 'complaint'
  | 'personal_case'
  | 'personal_data'
  | 'urgent'
  | 'out_of_scope'
  | 'low_confidence'
  | 'empty'
  | 'error';

export type SmallTalk = 'greeting' | 'thanks' | 'goodbye' | 'identity';

export interface Cue {
  reason: HandoffReason;
  /** Short explanation an agent can read. */
  explanation: string;
  pattern: RegExp;
  /**
   * The cue stands down when the matched phrasing itself has this word: the KB then has an entry about exactly
   * that (e.g. "单位不缴社保去哪里投诉" answers a complaint question).
   */
  unlessMatched?: RegExp;
  /** The cue stands down when the message itself also has this (a how-to question, not a request to act). */
  unlessText?: RegExp;
}

// Words that make a message a how-to question ("帮我查一下生育津贴怎么领" is a question the KB answers).
const HOW_TO = /怎么|怎样|如何|哪里|哪儿|在哪|多少|多久|什么|吗|能否|能不能|可不可以|可以|需要|要不要|是否/;

/** Asking for a person: the whole message (人工, 客服) or inside a sentence. Not a bare 人工 inside: 人工流产 is a 生育保险 topic. */
export const HUMAN_REQUEST = /^(人工|客服|人工服务)$|(转|找|要|接|叫)人工|人工(客服|服务|坐席|台)|真人(客服)?|接线员/;

export const HANDOFF_CUES: readonly Cue[] = [
  { reason: 'human_request', explanation: '用户要求人工服务', pattern: HUMAN_REQUEST },
  { reason: 'complaint', explanation: '投诉或举报，需要人工受理', pattern: /投诉|举报|控告|曝光|信访|上访/, unlessMatched: /投诉|举报/ },
  {
    reason: 'personal_case',
    explanation: '需要查询或办理个人事项，需人工处理',
    pattern: /(帮|替|给)(我|俺|咱)(们|家)?(查|看|核实|催|处理|办)|帮忙(查|看|核实|催|处理|办)|查(一)?下我(家|的)/,
    unlessText: HOW_TO,
  },
  // 11+ digits: a phone or ID-card number; an 18-character code with digits: an ID card or USCC.
  { reason: 'personal_data', explanation: '消息含个人信息（证件号或电话），需人工处理', pattern: /\d{11,}|(?=[0-9a-z]*\d)[0-9a-z]{18}/ },
  { reason: 'urgent', explanation: '紧急或安全情况，立即转人工', pattern: /自杀|轻生|跳楼|不想活|活不下去|杀人|救命/ },
];

export function findCue(compact: string, matchedPhrasing: string | undefined): Cue | undefined {
  for (const cue of HANDOFF_CUES) {
    if (!cue.pattern.test(compact)) continue;
    if (cue.unlessText?.test(compact)) continue;
    if (cue.unlessMatched && matchedPhrasing !== undefined && cue.unlessMatched.test(matchedPhrasing)) continue;
    return cue;
  }
  return undefined;
}

/** Whole-message small talk that deserves a courteous reply rather than "I can't answer that". */
const SMALL_TALK: ReadonlyArray<[RegExp, SmallTalk]> = [
  [/^(你好|您好|hi|hello|在吗|在不在|菜单|主菜单|开始|帮助|help)$/, 'greeting'],
  [/^(谢谢|谢了|多谢|感谢|thanks?|thx)(你|您|啦|了)?$/, 'thanks'],
  [/^(你是谁|你是机器人吗|你是真人吗|是机器人吗|你叫什么)$/, 'identity'],
  [/^(再见|拜拜|bye|好的谢谢|没有了|没事了)$/, 'goodbye'],
];

export function smallTalkOf(compact: string): SmallTalk | undefined {
  return SMALL_TALK.find(([pattern]) => pattern.test(compact))?.[1];
}
