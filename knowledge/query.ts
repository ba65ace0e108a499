// One question, start to finish, on one pinned version:
//   triage cues (a person, distress, a complaint, a personal case) → elliptical follow-up (read against the last
//   answer, or ask) → retrieval → evidence (key words, what is asked) → calibrated confidence → other departments'
//   matters (never answered from the KB) → answer / choices / handoff.
import type { Entry } from './content/schema.ts';
import { rank, choose, type Decision, type ScoredCandidate } from './decision/decide.ts';
import { distinctiveWords, evidenceFor, incidental } from './decision/evidence.ts';
import { askAgreement, asksOf, isInterrogative, mainAsk, SPECIFIC_ASKS, substantiveWords } from './decision/ask.ts';
import { CANDIDATES, type DecisionThresholds, type Signals } from './decision/thresholds.ts';
import type { FusionSettings } from './index/fusion.ts';
import { isQuantity, preferContext, rewriteFollowup, type Followup } from './context.ts';
import { answerLines, linesNamingSubject, passagesFor } from './passages.ts';
import { findCue, urgentReading, type Cue, type HandoffReason } from './triage/cues.ts';
import type { DepartmentMatch } from './triage/departments.ts';
import { ellipsisOf, type Ellipsis } from './triage/followup.ts';
import { smallTalkOf } from './triage/small-talk.ts';
import type { TicketCategory } from './triage/vocabulary.ts';
import { wordTerms, type QueryAnalysis } from './text/analyzer.ts';
import { compactKey } from './text/normalize.ts';
import type { Version } from './version.ts';

export interface SearchHit {
  entryId: string;
  question: string;
  /** The phrasing (question or alternate) that matched best. */
  matched: string;
  score: number;
  confidence: number;
  /** With `{ signals: true }`: the evidence behind `confidence` (eval, calibration, debugging). */
  signals?: Signals;
}

export interface SearchResult {
  /**
   * answer: the answer first, then close neighbours to offer as "您可能还想问"; clarify: exactly the choices to offer
   * (1–3); handoff: the nearest entries, for the agent who takes over.
   */
  hits: SearchHit[];
  decision: Decision;
  /** Why a handoff (set exactly when decision is handoff): what the bot acts on. */
  reason?: HandoffReason;
  /** out_of_scope: the department that usually handles such matters, and its ticket category. */
  department?: string;
  ticketCategory?: TicketCategory;
  /** An elliptical follow-up with no conversation to read it against: ask what it is about. */
  needsContext?: boolean;
  /** A follow-up read against the last answer: what was searched instead of the message alone. */
  resolvedAs?: string;
  /**
   * clarify: another department's matter the question also names (住房和城乡建设部门 for 二手房 in 二手房贷款能用公积金吗),
   * told beside the choices in case the user meant that.
   */
  alsoDepartment?: string;
  /**
   * A follow-up answered with the very entry the user has just read ("要本人去吗" after 社保卡挂失补办): the lines
   * of its answer that speak to the follow-up, when some do (see passages.ts).
   */
  passages?: readonly string[];
  /**
   * clarify: the best entry is the one the user has just read, and it says nothing of what the follow-up asks (a
   * swap's new subject, or a specific ask no line of its answer gives): the choices are offered with it said.
   */
  notInLastAnswer?: boolean;
  /** Short reason an agent can read. */
  explanation: string;
  /** The candidates weighed (best first) whatever the decision: for the eval and the CLI. */
  ranked: SearchHit[];
  /** The index version that answered. */
  version: string;
  /** Distinctive words in the question (known to the KB, not ask words): one word says what about, not what. */
  words?: number;
}

export interface QueryOptions {
  thresholds: DecisionThresholds;
  fusion: FusionSettings;
  lastEntryId?: string;
  signals?: boolean;
  /** Called between retrieval and decision (instrumentation; tests hold a search here across a reload). */
  onRetrieved?: () => Promise<void> | void;
  /** A failure that did not stop the answer (the nearest entries for an agent could not be found). */
  onError?: (err: Error) => void;
}

export async function runQuery(version: Version, text: string, options: QueryOptions): Promise<SearchResult> {
  const { snapshot } = version;
  const input = typeof text === 'string' ? text : '';
  const compact = compactKey(input);
  const base = { version: snapshot.info.hash };
  const handoff = (reason: HandoffReason, explanation: string, extra: Partial<SearchResult> = {}): SearchResult => ({
    ...base,
    hits: [],
    ranked: [],
    decision: 'handoff',
    reason,
    explanation,
    ...extra,
  });

  if (compact === '') return handoff('empty', '消息为空或没有可识别的文字，转人工');
  if (smallTalkOf(compact, version.vocabulary)) return handoff('empty', '寒暄，没有要检索的问题');
  const own = snapshot.analyzer.query(input); // the user's own words, before any context is added
  const cue = urgentIfSo(version, findCue(compact, version.vocabulary), compact, input);
  // Dissatisfaction with another department's matter (出租车拒载还骂人, 医生态度很差), or chasing one (个税退税一直显示
  // 审核中), that names nothing of the KB's own goes to that department, as any other of its matters does: only they
  // can look it up. An explicit report (我要举报…, 反映…问题) is still taken as a complaint.
  const theirs = (cue?.reason === 'complaint' || cue?.reason === 'personal_case') && !EXPLICIT_REPORT.test(compact) && othersMatter(version, own);
  if (cue && !theirs) {
    // A general question that happens to use a grievance's words (发现社保卡被别人冒用了 怎么挂失; 工伤赔偿公司一直拖着不给
    // 能不能申请基金先行支付) is answered when the learned triage is near-certain it is a question and the KB answers it.
    // Otherwise decided by the words alone; the nearest entries go along for the agent who takes over (best effort:
    // a failed retrieval still hands over, and the question's own retrieval is not run twice).
    const bestEffort = (err: unknown) => {
      options.onError?.(err as Error);
      return undefined;
    };
    const asQuestion = questionDespite(version, cue, compact, typosFixed(input, own))
      ? await decide(version, own, input, undefined, options, base).catch(bestEffort)
      : undefined;
    if (asQuestion?.decision === 'answer') return asQuestion;
    const ranked =
      asQuestion?.ranked ??
      (await weigh(version, own, input, undefined, options).catch(bestEffort))?.ranked.map((c) => toHit(version, c, options.signals === true)) ??
      [];
    return handoff(cue.reason, cue.explanation, { hits: ranked.slice(0, AGENT_HITS), ranked });
  }

  const read = readFollowup(version, own, input, options.lastEntryId);
  if (read === 'needs_context') return handoff('low_confidence', '追问缺少上下文（不知道问的是哪件事），请用户说明', { needsContext: true });
  const alone = await decide(version, own, input, read, options, base);
  if (read) return alone;
  // A message that names something the KB does not know (技改补贴) is a new subject, not a follow-up. An answer
  // stands, unless it leaves the conversation's subject for a message that names no scheme (基数上限多少 after a
  // question about 公积金 is about the housing fund's 基数, not the social insurances').
  if (namesUnknown(version, own)) return secondOpinion(version, own, input, alone);
  const leaves = alone.decision === 'answer' && leavesSubject(version, own, input, alone, options.lastEntryId);
  if (alone.decision === 'answer' && !leaves) return secondOpinion(version, own, input, alone);
  // Another department's matter stays theirs (营业执照丢了咋补 in the middle of a conversation), unless all it asks
  // is what to bring (要带户口本吗 after 社保卡激活) or whether a thing is needed or will do (要交警的责任认定书吗 after
  // 上下班途中受伤, 二手房行不行 after 买房提公积金): the thing may belong to the conversation's subject.
  const bringing = mainAsk(own.canonical) === 'materials';
  if (alone.department !== undefined && !bringing && !ASKS_IF_IT_DOES.test(compact)) return alone;
  // A short message that names its own subject but is not sure alone (我只交了8个月, 要带户口本吗, 住院的能直接结算吗)
  // may still lean on the conversation: read it against the last entry too, and keep whichever reading is surer.
  const soft = softFollowup(version, own, input, options.lastEntryId);
  if (!soft) return secondOpinion(version, own, input, alone);
  // Another department's word may be incidental to the conversation's subject (户口本 in 要带户口本吗 after 社保卡激活),
  // and a message without a scheme may go on with the conversation's subject: either way the reading in context is a
  // guess about what the user left unsaid, so it is offered, not answered; but an entry that names the other
  // department's thing itself answers whether it is needed or will do (交警 in the entry on accidents on the way to
  // work). Such a question about a thing the entry in context never names stays the other department's.
  const names = alone.department !== undefined ? namesTheirs(version, own) : undefined;
  const unsure = names
    ? (entry: number) => (!bringing && names(entry) ? undefined : '问题提到其他部门的事项，按上文理解，请用户确认')
    : leaves
      ? '按上文的事项理解，请用户确认'
      : undefined;
  const inContext = await decide(version, own, input, soft, options, base, unsure);
  if (unsure) {
    const top = inContext.ranked[0] && version.snapshot.positionOf.get(inContext.ranked[0].entryId);
    const stays = inContext.department === undefined && inContext.decision !== 'handoff';
    const ours = !names || bringing || (top !== undefined && names(top));
    return stays && ours ? inContext : secondOpinion(version, own, input, alone);
  }
  return (inContext.ranked[0]?.confidence ?? 0) > (alone.ranked[0]?.confidence ?? 0) ? inContext : secondOpinion(version, own, input, alone);
}

/**
 * How sure the learned triage must be to overrule a choice list or a generic handoff (person, outOfScope), to
 * overrule an answer with the human route (overAnswer), and to answer a question that a complaint rule caught
 * (overCue). Chosen on the dev tuning sets: no dev question the KB answers (calibration*, dev-2/, dev-3/) is taken for
 * a complaint or another department's matter at these levels. Of the answerable questions the KB answers
 * (calibration*, the dev splits, the labelled questions of content/asked/), none reaches a human-route probability of
 * 0.9 but 转人工 (labelled with the entry on reaching a person) and two personal stories labelled with the entry that
 * tells the worker what to do (我在一个装修公司干了半年多了…我该找谁啊 0.97, 我在一个饭馆干了快两年…我该怎么办 0.91): a
 * person is right for those too. The next is 0.74. Measured after the blind-written triage examples (third batch).
 */
export const LEARNED_TRIAGE = { person: 0.7, outOfScope: 0.8, overAnswer: 0.9, overCue: 0.87 };

/**
 * A complaint or personal-case cue in a message that asks something (怎么, 吗 …) in words that the learned triage is
 * near-certain make a general question (not an explicit report: 投诉, 举报 … always go to a person). A grievance that
 * asks nothing (劳务派遣公司不给交社保 只发现金) stays one however question-like its words: with held-out-7's messages
 * in training the model read it at 0.879, above 社保卡被人冒用了怎么挂失 (0.877). Of the complaints and personal cases
 * of the dev, check and retired triage sets that do ask, the surest reading as a question is 0.889 since the phrasings
 * of d7fa7e1 (dev-7's 社保扣款扣了两次，钱能退吗，找谁: the refund entry is offered), the next 0.860; the question reads 0.873.
 */
function questionDespite(version: Version, cue: Cue, compact: string, input: string): boolean {
  if ((cue.reason !== 'complaint' && cue.reason !== 'personal_case') || EXPLICIT_REPORT.test(compact) || !isInterrogative(input)) return false;
  const learned = version.triage.predict(input);
  return learned.kind === 'question' && learned.probability >= LEARNED_TRIAGE.overCue;
}

/**
 * The message with the typos the analyzer corrected put right (社宝卡 → 社保卡): the learned triage reads raw text, and a
 * misspelt key word makes a question look like anything else.
 */
function typosFixed(input: string, own: QueryAnalysis): string {
  return own.corrections.reduce((text, c) => text.replaceAll(c.from, c.to), input);
}

/** Shorter messages are fragments ("租房的", "外地的呢"): they lean on the conversation, not on their likeness to a kind. */
const LEARNED_TRIAGE_MIN_CHARS = 6;

/** Which handoff a learned kind is. */
const LEARNED_REASON = { human: 'human_request', complaint: 'complaint', urgent: 'urgent' } as const;

/**
 * The learned triage's reading, where the rules found no cue and no department: a complaint or a request for a person
 * in words the vocabulary lacks goes to the human route, another department's matter is named as such. Anything less
 * sure keeps the KB's choices. An answer gives way only to a near-certain complaint or request for a person
 * (我离职半年了前公司还没给我减员…你们能不能督促一下 names the KB's 减员, but asks for action on the user's case).
 */
function secondOpinion(version: Version, own: QueryAnalysis, input: string, result: SearchResult): SearchResult {
  if (result.department !== undefined || result.needsContext) return result;
  if (compactKey(input).length < LEARNED_TRIAGE_MIN_CHARS) return result;
  const learned = version.triage.predict(input);
  const handoff = { hits: result.ranked.slice(0, AGENT_HITS), decision: 'handoff' as const };
  const bar = result.decision === 'answer' ? LEARNED_TRIAGE.overAnswer : LEARNED_TRIAGE.person;
  if (learned.kind in LEARNED_REASON && learned.probability >= bar) {
    const reason = LEARNED_REASON[learned.kind as keyof typeof LEARNED_REASON];
    return { ...result, ...handoff, reason, explanation: `分诊模型判断需要人工受理（${learned.kind}，${learned.probability.toFixed(2)}）` };
  }
  // A message that names one of the KB's schemes in the user's own words (农村医保的收费标准, 灵活就业社保补贴) is about
  // this line's matters, however much it reads like the hotline's other departments' messages: its choices stand.
  // Not a word that is also a life event (失业, 工伤: 失业了想参加免费的职业培训 is the employment service's).
  // Nor one that says where someone works in a question about the KB's matters (出租车司机工伤怎么认定, 医院护士产假).
  const namesScheme = namesOwnScheme(version, own) || version.departments.workplaces(compactOf(own)).length > 0;
  if (result.decision !== 'answer' && !namesScheme && learned.kind === 'out_of_scope' && learned.category && learned.probability >= LEARNED_TRIAGE.outOfScope) {
    const department = version.vocabulary.departments.find((d) => d.key === learned.category)?.department ?? '12345热线';
    return {
      ...result,
      ...handoff,
      reason: 'out_of_scope',
      department,
      ticketCategory: learned.category,
      explanation: `分诊模型判断属于${department}的事项（${learned.probability.toFixed(2)}），不在本专线知识库范围内`,
    };
  }
  return result;
}

/** Retrieval, evidence and decision for one reading of the message (alone, or against the last entry). */
async function decide(
  version: Version,
  own: QueryAnalysis,
  input: string,
  followup: Followup | undefined,
  options: QueryOptions,
  base: { version: string },
  offerOnly?: string | ((entry: number) => string | undefined),
): Promise<SearchResult> {
  const { snapshot } = version;
  const analysis = followup ? snapshot.analyzer.query(followup.resolvedAs) : own;
  const { ranked, corrections } = await weigh(version, analysis, followup?.resolvedAs ?? input, followup, options);
  const rankedHits = ranked.map((c) => toHit(version, c, options.signals === true));
  const fixes = corrections.length > 0 ? `（已纠正：${corrections.map((c) => `${c.from}→${c.to}`).join('、')}）` : '';
  const context = followup ? `（追问，按上文理解为“${followup.resolvedAs}”）` : '';
  const queryWords = substantiveWords(wordTerms(analysis.terms)) + (mainAsk(analysis.canonical) ? 1 : 0);
  const resolvedAs = followup?.resolvedAs;

  // A follow-up is read with the conversation's words: they are the rest of the question that can make another
  // department's word incidental (要带户口本吗 after 社保卡激活, 外地户口的呢 after 离职了公积金能取吗).
  const swap = followup?.ellipsis.kind === 'swap';
  const foreign = foreignMatter(version, own, followup ? analysis : own, ranked[0], options.thresholds, swap);
  // A question about one of the KB's schemes that also names another department's thing (二手房贷款能用公积金吗,
  // 开美容院要给员工交社保吗) may be about either: the KB's choices are offered, and the department named beside them.
  const besides =
    foreign && !followup && namesOwnScheme(version, own) && (ranked[0]?.confidence ?? 0) >= options.thresholds.besidesAnotherMatter ? foreign : undefined;
  if (foreign && !besides) {
    const explanation = `“${foreign.word}”属于${foreign.department}的事项，不在本专线知识库范围内${context}`;
    return {
      ...base,
      hits: rankedHits.slice(0, AGENT_HITS),
      ranked: rankedHits,
      decision: 'handoff',
      reason: 'out_of_scope',
      department: foreign.department,
      ticketCategory: foreign.key,
      explanation,
      resolvedAs,
      words: queryWords,
    };
  }

  // Within a conversation, a message in words the KB hardly knows (在厂里搬东西砸到脚了 after 员工受伤了) is still about
  // the KB's matters when its nearest entry is on the conversation's subject: choices, not "not our matter".
  const onSubject = ranked[0] !== undefined && sameCategory(version, ranked[0].entry, options.lastEntryId);
  const chosen = choose(ranked, options.thresholds, queryWords, followup !== undefined, schemesNamed(version, own).length > 0 || onSubject);
  const top = chosen.decision === 'answer' ? ranked[0] : undefined;
  // Only a reading sure enough to answer is checked for saying nothing of what is asked: when it only offers choices,
  // the entry just read stays among them (of the tuning and retired follow-ups so checked, it was the right one for
  // 4 of 7: 给子女呢 after 给父母买房提公积金).
  const silent = top && followup && sameEntrySilent(version, followup, top.entry);
  const mute = top && followup && !silent && sameEntryMute(own, followup, top.entry);
  const offer = besides
    ? `问题也提到${besides.department}的事项，请用户选择`
    : top && otherScheme(version, own, top.entry)
      ? '问题所说的险种与最接近的条目不一致，请用户选择'
      : silent
        ? '上一条答复没有说到所问的对象，请用户选择'
        : mute
          ? '上一条答复没有说到所问的内容，请用户选择'
          : typeof offerOnly === 'function'
            ? top && offerOnly(top.entry)
            : offerOnly;
  const choice =
    chosen.decision === 'answer' && offer
      ? {
          ...chosen,
          decision: 'clarify' as const,
          offered: 1 + ranked.slice(1, options.thresholds.maxOptions).filter((c) => c.confidence >= options.thresholds.choiceFloor).length,
          neighbours: 0,
          explanation: offer,
        }
      : chosen;
  const shown = choice.decision === 'answer' ? 1 + choice.neighbours : choice.decision === 'clarify' ? choice.offered : AGENT_HITS;
  const again = choice.decision === 'answer' && followup !== undefined && ranked[0]?.entry === followup.last;
  const passages = !again
    ? []
    : followup.ellipsis.kind === 'swap'
      ? linesOnSubject(version, followup.ellipsis.subject, followup.last)
      : (followup.lastPassages ?? linesSpeakingTo(version, input, followup.last));
  const shownHits =
    choice.decision === 'clarify' ? schemeFirst(version, own, ranked.slice(0, shown)).map((i) => rankedHits[i] as SearchHit) : rankedHits.slice(0, shown);
  return {
    ...base,
    hits: shownHits,
    ranked: rankedHits,
    decision: choice.decision,
    reason: choice.reason,
    explanation: choice.explanation + fixes + context,
    resolvedAs,
    ...(passages.length > 0 ? { passages } : {}),
    ...(besides && choice.decision === 'clarify' ? { alsoDepartment: besides.department } : {}),
    ...((silent || mute) && choice.decision === 'clarify' && !besides ? { notInLastAnswer: true } : {}),
    words: queryWords,
  };
}

/**
 * The order to offer choices in (positions in `offered`): for a message that names a scheme (养老金每个月发多少), the
 * entries about it before those about another (失业金 is paid monthly too), whatever their confidence; otherwise as
 * ranked. The first choice is also what a follow-up is read against.
 */
function schemeFirst(version: Version, own: QueryAnalysis, offered: readonly ScoredCandidate[]): number[] {
  const order = offered.map((_, i) => i);
  if (schemesNamed(version, own).length === 0) return order;
  const other = offered.map((c) => otherScheme(version, own, c.entry));
  return order.sort((a, b) => Number(other[a]) - Number(other[b]));
}

/** Umbrella words for the social insurances: they clash only with an entry about the housing fund. */
const UMBRELLA = new Set(['社保', '社保费', '五险', '社会保险']);
const HOUSING_FUND = '公积金';

/**
 * The message names a scheme (险种: 医保, 养老保险, 公积金 …) and the best entry speaks of none of the ones it names:
 * 社保开户网上可以办吗 is not answered with the housing fund's 开户, 医保个人账户能继承吗 not with the pension's.
 */
function otherScheme(version: Version, own: QueryAnalysis, entry: number): boolean {
  const schemes = schemesNamed(version, own);
  if (schemes.length === 0) return false;
  const text = version.profiles.textOf(entry);
  return schemes.every((w) => (UMBRELLA.has(w) ? text.includes(HOUSING_FUND) && ![...UMBRELLA].some((u) => text.includes(u)) : !text.includes(w)));
}

/** The message as read (synonyms, typos put right) without spaces: what the department words and ellipses are matched in. */
function compactOf(own: QueryAnalysis): string {
  return own.canonical.replace(/\s+/g, '');
}

/** The message names one of the KB's schemes, not a word that is also a life event (失业, 工伤). */
function namesOwnScheme(version: Version, own: QueryAnalysis): boolean {
  return schemesNamed(version, own).some((w) => !version.followup.families.get(w)?.has('情形'));
}

/** The KB's schemes (险种: 公积金, 医保, 养老保险 …) the message names in the user's own words. */
function schemesNamed(version: Version, own: QueryAnalysis): string[] {
  return wordTerms(own.terms).filter((w) => version.followup.families.get(w)?.has('险种'));
}

/** The housing fund is the one scheme whose entries mirror the social insurances' (开户, 基数, 比例, 转移 …). */
function isFund(version: Version, position: number): boolean {
  return (version.snapshot.entries[position] as Entry).question.includes(HOUSING_FUND);
}

/**
 * An answer in another category than the conversation's, or about the housing fund in a conversation about the
 * social insurances (or the other way round), to a message that names no scheme of its own: the message most likely
 * goes on with the conversation's subject (工资照发吗 after 工伤停工留薪期多久 is not about 陪产假).
 */
function leavesSubject(version: Version, own: QueryAnalysis, input: string, alone: SearchResult, lastEntryId: string | undefined): boolean {
  const last = lastEntryId === undefined ? undefined : version.snapshot.positionOf.get(lastEntryId);
  const answered = alone.hits[0] && version.snapshot.positionOf.get(alone.hits[0].entryId);
  if (last === undefined || answered === undefined) return false;
  // The user's own words too: synonyms may fold the scheme away (开社保户 → 开户); 工伤认定 names 工伤.
  const text = `${compactOf(own)}|${compactKey(input)}`;
  for (const [word, families] of version.followup.families) if (families.has('险种') && text.includes(word)) return false;
  const [a, b] = [version.snapshot.entries[last] as Entry, version.snapshot.entries[answered] as Entry];
  return a.category !== b.category || isFund(version, last) !== isFund(version, answered);
}

/**
 * A swap ("商业贷款呢", "外地买的呢") answered with the very entry it swaps away from, which never mentions the new
 * subject: the entry was about the old subject; that it is still nearest says nothing about the new one.
 */
function sameEntrySilent(version: Version, followup: Followup, entry: number): boolean {
  if (followup.ellipsis.kind !== 'swap' || entry !== followup.last) return false;
  const text = version.profiles.textOf(entry);
  const words = version.snapshot.analyzer.words(followup.ellipsis.subject).filter((w) => !version.followup.generic.has(w));
  return words.length > 0 && !words.some((w) => text.includes(w));
}

/**
 * A bare follow-up that asks for a specific kind of answer (多久能到账, 费用谁出, 在哪办) answered with the very entry
 * the user has just read, no line of which gives it (passages.ts): the entry was read already and says nothing of it.
 */
function sameEntryMute(own: QueryAnalysis, followup: Followup, entry: number): boolean {
  if (followup.ellipsis.kind !== 'bare' || entry !== followup.last || followup.lastPassages?.length) return false;
  return asksOf(own.canonical).some((ask) => SPECIFIC_ASKS.has(ask));
}

/**
 * A request for a person or a complaint that the learned triage reads as an emergency (快派人来 我们这出大事了) is
 * handled as one: the urgent reply says to call 110/120 first.
 */
function urgentIfSo(version: Version, cue: Cue | undefined, compact: string, input: string): Cue | undefined {
  if (cue?.reason !== 'human_request' && cue?.reason !== 'complaint') return cue;
  return urgentReading(compact, input, version.vocabulary, version.triage) ?? cue;
}

/** Words that lodge a complaint or report in so many words. */
const EXPLICIT_REPORT = /投诉|举报|检举|控告|反映|曝光|信访|上访/;

/** The message names another department's matter and none of the KB's key terms. */
function othersMatter(version: Version, own: QueryAnalysis): boolean {
  if (version.departments.find(compactOf(own)).length === 0) return false;
  return !wordTerms(own.terms).some((w) => version.domain.has(w));
}

/** Whether an entry is in the same category as the one the conversation last answered. */
function sameCategory(version: Version, entry: number, lastEntryId: string | undefined): boolean {
  const last = lastEntryId === undefined ? undefined : version.snapshot.positionOf.get(lastEntryId);
  const { entries } = version.snapshot;
  return last !== undefined && entries[entry]?.category === entries[last]?.category;
}

/** Some content word of the message is unknown to the KB (numbers aside). */
function namesUnknown(version: Version, own: QueryAnalysis): boolean {
  return wordTerms(own.terms).some((w) => !/^\d+$/.test(w) && !version.snapshot.known.has(w));
}

/**
 * A message that only asks whether a thing is needed or will do (要交警的责任认定书吗, 二手房行不行, 身份证复印件可以吗),
 * not what to do about it (身份证能补吗): the thing may be part of the conversation's matter.
 */
const ASKS_IF_IT_DOES = /^那?还?(?:需要|要|得|用)[^是]{1,12}(?:吗|么|不|没)$|^那?.{1,12}(?:行不行|行吗|行不|可以吗|可以不|可不可以|算不算|算吗|能用吗|管用吗)$/;

/** A life event the KB's schemes turn on (辞退, 离职, 去世 …: the follow-up vocabulary's 情形). */
function isSituation(version: Version, word: string): boolean {
  return version.followup.families.get(word)?.has('情形') === true;
}

/** Whether an entry names every other department's thing the message names (发票 in the entry on 手工报销). */
function namesTheirs(version: Version, own: QueryAnalysis): (entry: number) => boolean {
  const words = version.departments.find(compactOf(own)).map((m) => m.word);
  return (entry) => {
    const text = version.profiles.textOf(entry);
    return words.length > 0 && words.every((w) => text.includes(w));
  };
}

/** Messages up to this long may lean on the last entry even when they name a subject of their own. */
const MAX_SOFT_FOLLOWUP_CHARS = 20;

/** The message read against the last entry's topic, when it is short and there is a last entry. */
function softFollowup(version: Version, own: QueryAnalysis, input: string, lastEntryId: string | undefined): Followup | undefined {
  const { snapshot } = version;
  const last = lastEntryId === undefined ? undefined : snapshot.positionOf.get(lastEntryId);
  if (last === undefined || [...compactOf(own)].length > MAX_SOFT_FOLLOWUP_CHARS) return undefined;
  // A message that names a scheme the last entry does not speak of (公积金离职了能取吗 after 女的几岁退休) has a
  // subject of its own.
  if (otherScheme(version, own, last)) return undefined;
  return readAgainst(version, { kind: 'bare' }, input, last, mainAsk(own.canonical) !== undefined);
}

/** A follow-up read against the last entry: what it is searched as. */
function readAgainst(version: Version, ellipsis: Ellipsis, input: string, last: number, asks: boolean): Followup {
  const { snapshot } = version;
  const words = (t: string) => snapshot.analyzer.words(t);
  const entry = snapshot.entries[last] as Entry;
  const resolvedAs = rewriteFollowup(ellipsis, input, entry, version.profiles.of(last), version.followup, words, asks);
  if (ellipsis.kind !== 'bare') return { ellipsis, last, resolvedAs };
  return { ellipsis, last, resolvedAs, lastPassages: linesSpeakingTo(version, input, last) };
}

/** The lines of an entry's answer that speak to a follow-up (passages.ts). */
function linesSpeakingTo(version: Version, input: string, entry: number): string[] {
  const { snapshot } = version;
  const lines = answerLines((snapshot.entries[entry] as Entry).answer, snapshot.analyzer);
  return passagesFor(input, lines, snapshot.analyzer, version.followup.generic, (w) => snapshot.known.has(w));
}

/** The lines of an entry's answer that name a swap's new subject (passages.ts). */
function linesOnSubject(version: Version, subject: string, entry: number): string[] {
  const { snapshot } = version;
  return linesNamingSubject(subject, answerLines((snapshot.entries[entry] as Entry).answer, snapshot.analyzer), snapshot.analyzer, version.followup.generic);
}

/** The service's own contact points: phone, hotline, address, office hours. */
const ASKS_FOR_A_CHANNEL = /电话|热线|地址在哪|地址是|在哪办公|办公时间|几点上班|几点下班/;

/** Share of a message's words the KB must know for a topicless short question to read as a follow-up. */
const MOSTLY_KNOWN = 0.6;

/** How many nearest entries a handoff carries for the agent. */
const AGENT_HITS = 3;

/** Retrieval, then each candidate weighed on its evidence and ranked by calibrated confidence. */
async function weigh(
  version: Version,
  analysis: QueryAnalysis,
  text: string,
  followup: Followup | undefined,
  options: QueryOptions,
): Promise<{ ranked: ScoredCandidate[]; corrections: QueryAnalysis['corrections'] }> {
  const { snapshot } = version;
  const retrieval = await snapshot.retrieveAnalyzed(analysis, text, {
    fusion: options.fusion,
    lexicalCandidates: CANDIDATES.lexical,
    entryCandidates: CANDIDATES.entries,
    denseCandidates: CANDIDATES.dense,
  });
  await options.onRetrieved?.();
  const candidates = followup ? preferContext(retrieval.candidates, followup, snapshot) : retrieval.candidates;
  const words = distinctiveWords(wordTerms(analysis.terms), snapshot.entryLexical, (w) => version.keyTerms.has(w));
  const ask = mainAsk(analysis.canonical);
  const pool = candidates.slice(0, CANDIDATES.weighed);
  const askAnswered = pool.some((c) => askAgreement(ask, version.profiles.of(c.entry).asks) > 0);
  const said = new Set(wordTerms(analysis.terms));
  const weighed = pool.map((c) => ({
    ...c,
    evidence: evidenceFor(words, ask, askAnswered, snapshot.entryLexical, c.entry, version.profiles.of(c.entry), said),
  }));
  return { ranked: rank(weighed, retrieval.knownShare, options.thresholds.confidence), corrections: retrieval.analysis.corrections };
}

/** An elliptical message read against the last answer; 'needs_context' when there is none to read it against. */
function readFollowup(version: Version, own: QueryAnalysis, input: string, lastEntryId: string | undefined): Followup | 'needs_context' | undefined {
  const { snapshot } = version;
  const words = wordTerms(own.terms);
  const known = words.filter((w) => snapshot.known.has(w)).length;
  // Another department's matter names its topic (公租房怎么申请): not a follow-up, whatever the KB knows of it.
  const namesTopic = words.some((w) => version.keyTerms.has(w)) || version.departments.find(compactOf(own)).length > 0;
  const topical = { namesKeyTerm: namesTopic, mostlyKnown: known >= MOSTLY_KNOWN * words.length, asks: mainAsk(own.canonical) !== undefined };
  const last = lastEntryId === undefined ? undefined : snapshot.positionOf.get(lastEntryId);
  const read = ellipsisOf(compactOf(own), words, version.followup, (t) => snapshot.analyzer.words(t), topical, last !== undefined);
  if (!read) return undefined;
  // "断了两个月呢" swaps in a figure, not a subject: the same question again, with the last entry still in play.
  const ellipsis: Ellipsis = read.kind === 'swap' && isQuantity(read.subject) ? { kind: 'bare' } : read;
  // Without a conversation, asking for the service's own phone, address or hours (咨询电话是多少, 你们地址在哪)
  // is a question about how to reach it, not an ellipsis: it is searched as it stands.
  if (last === undefined) return ellipsis.kind === 'bare' && ASKS_FOR_A_CHANNEL.test(compactOf(own)) ? undefined : 'needs_context';
  return readAgainst(version, ellipsis, input, last, topical.asks);
}

/**
 * Another department's matter named in the user's own words is never answered from the KB, unless it is
 * incidental to what the best entry answers (evidence.ts) in the question as read (`read`: with a follow-up's
 * borrowed words). A swap's new subject is the word itself (那身份证丢了呢, 外地户口的呢): it stays the conversation's
 * matter only where the best entry speaks of it and is sure enough to be answered in context, or where the word is
 * a situation the KB's schemes turn on (那被辞退的呢 after 主动辞职能领失业金吗: dismissal is labour relations' matter,
 * but here it is the other way to lose a job).
 */
function foreignMatter(
  version: Version,
  own: QueryAnalysis,
  read: QueryAnalysis,
  top: ScoredCandidate | undefined,
  t: DecisionThresholds,
  swap = false,
): DepartmentMatch | undefined {
  const matches = byLikelihood(version, own, version.departments.find(compactOf(own)));
  if (matches.length === 0) return undefined;
  if (!top) return matches[0];
  // The message is one of the best entry's own phrasings (住院发票丢了还能报销吗): the KB answers it as worded.
  if (!swap && top.lexical >= t.exactMatch) return undefined;
  const ownWords = distinctiveWords(wordTerms(read.terms), version.snapshot.entryLexical);
  const text = version.profiles.textOf(top.entry);
  const plausible = top.confidence >= t.clarify;
  const answerable = top.confidence >= t.followupAnswer;
  return matches.find((m) => {
    const mentions = text.includes(m.word);
    if (swap && !(mentions && answerable) && !isSituation(version, m.word)) return true;
    return !incidental(ownWords, m.word, version.snapshot.entryLexical, top.entry, { mentions, plausible, isDomainTerm: (w) => version.domain.has(w) });
  });
}

/**
 * Words of several departments (物业乱收停车费: 物业 住建, 停车费 交通): the learned triage says whose matter the whole
 * message is; words of one department keep the vocabulary's order (longest first).
 */
function byLikelihood(version: Version, own: QueryAnalysis, matches: readonly DepartmentMatch[]): readonly DepartmentMatch[] {
  if (new Set(matches.map((m) => m.key)).size < 2) return matches;
  const odds = version.triage.departmentOdds(own.canonical);
  return [...matches].sort((a, b) => (odds.get(b.key) ?? 0) - (odds.get(a.key) ?? 0));
}

function toHit(version: Version, c: ScoredCandidate, withSignals: boolean): SearchHit {
  const entry = version.snapshot.entries[c.entry] as Entry;
  const hit: SearchHit = {
    entryId: entry.id,
    question: entry.question,
    matched: version.snapshot.phrasings[c.doc] ?? entry.question,
    score: round(c.score),
    confidence: round(c.confidence),
  };
  if (withSignals) hit.signals = Object.fromEntries(Object.entries(c.signals).map(([k, v]) => [k, round(v)])) as Signals;
  return hit;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
