// Messages that need a person whatever the KB matches: the user asks for one, files a complaint, asks us to look
// up their own records, gives personal data, or is in distress. A KB answer to these would be a wrong answer
// even when the topic words match (帮我查下我家的社保 is about 社保, but no FAQ can look it up).
// Patterns run on the normalized text (Simplified, lower-case, punctuation removed).

export interface Cue {
  reason: string;
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

export const HANDOFF_CUES: readonly Cue[] = [
  // Not a bare 人工: 人工流产 is a 生育保险 topic.
  { reason: '用户要求人工服务', pattern: /(转|找|要|接|叫)人工|人工(客服|服务|坐席|台)|真人(客服)?|接线员/ },
  { reason: '投诉或举报，需要人工受理', pattern: /投诉|举报|控告|曝光|信访|上访/, unlessMatched: /投诉|举报/ },
  {
    reason: '需要查询或办理个人事项，需人工处理',
    pattern: /(帮|替|给)(我|俺|咱)(们|家)?(查|看|核实|催|处理|办)|帮忙(查|看|核实|催|处理|办)|查(一)?下我(家|的)/,
    unlessText: HOW_TO,
  },
  // 11+ digits: a phone or ID-card number; an 18-character code with digits: an ID card or USCC.
  { reason: '消息含个人信息（证件号或电话），需人工处理', pattern: /\d{11,}|(?=[0-9a-z]*\d)[0-9a-z]{18}/ },
  { reason: '紧急或安全情况，立即转人工', pattern: /自杀|轻生|跳楼|不想活|活不下去|杀人|救命/ },
];

export function findCue(normalized: string, matchedPhrasing: string | undefined): Cue | undefined {
  for (const cue of HANDOFF_CUES) {
    if (!cue.pattern.test(normalized)) continue;
    if (cue.unlessText?.test(normalized)) continue;
    if (cue.unlessMatched && matchedPhrasing !== undefined && cue.unlessMatched.test(matchedPhrasing)) continue;
    return cue;
  }
  return undefined;
}
