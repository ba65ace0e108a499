// Every Chinese word tickets/ shows to people, in one place: labels of the stored codes, and the validators'
// explanations. The bot renders its own sentences from these labels and the notices' data.
import type { EventAction } from './commands.ts';
import type { CreditCheck, Priority, RedListTier, SatisfactionLevel, TicketState, TicketType } from './model.ts';

export const STATE_LABELS: Record<TicketState, string> = {
  new: '待受理',
  dispatched: '已派单',
  accepted: '已签收',
  in_progress: '办理中',
  returned: '已退回',
  resolved: '已办结',
  visited: '已回访',
  closed: '已关闭',
  merged: '已并单',
};

export const TYPE_LABELS: Record<TicketType, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
};

export const PRIORITY_LABELS: Record<Priority, string> = { normal: '一般', urgent: '紧急' };

export const REDLIST_TIER_LABELS: Record<RedListTier, string> = {
  leading: '龙头骨干',
  specialized: '专精特新',
  headquarters: '总部经济',
  high_tech: '高新技术',
};

export const CREDIT_CHECK_LABELS: Record<CreditCheck, string> = { valid: '已校验', unverified: '待核实', none: '个人' };

export const SATISFACTION_LABELS: Record<SatisfactionLevel, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};

export const ACTION_LABELS: Record<EventAction, string> = {
  create: '受理',
  dispatch: '派单',
  accept: '签收',
  return: '退回',
  start: '办理',
  reply: '答复',
  request_extension: '申请延期',
  approve_extension: '同意延期',
  refuse_extension: '不同意延期',
  remind: '催办',
  supervise: '督办',
  resolve: '办结',
  rate: '回访评价',
  close: '关闭',
  reopen: '重办',
  merge: '并单',
  absorb: '并入重复诉求',
  note: '内部备注',
  recategorize: '改类',
};

/** Appended to a request cut at MAX_REQUEST_LENGTH, so whoever reads it knows there was more. */
export const truncatedNote = (originalLength: number, keptLength: number) =>
  `……（原文共 ${originalLength} 字，超出 ${keptLength} 字的部分未保存，请向来电人核实）`;

/** The overdue watcher's 催办 note. */
export const overdueReminderNote = (dueText: string) => `工单已超过办理时限（${dueText}），请尽快办理并答复。`;

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'] as const;
export const weekdayLabel = (day: number) => `周${WEEKDAYS[day] ?? '?'}`;

/** Why a 统一社会信用代码 is not valid, in words a user understands. */
export const CREDIT_CODE_MESSAGES = {
  empty: '请输入 18 位统一社会信用代码。',
  length: (n: number) => `统一社会信用代码应为 18 位，您输入的是 ${n} 位，请核对。`,
  forbidden: (chars: string) => `统一社会信用代码不使用字母 I、O、S、V、Z，您输入的代码中有“${chars}”，请核对（常见的是把数字 0、1、2、5 看成了字母）。`,
  illegal: (chars: string) => `统一社会信用代码只包含数字和大写字母，您输入的代码中有“${chars}”，请核对。`,
  checkDigit: '统一社会信用代码的最后一位校验码对不上，可能有一位输错了，请对照营业执照再核对一遍。',
} as const;

/** Why a mobile number is not valid. */
export const MOBILE_MESSAGES = {
  empty: '请输入 11 位手机号码。',
  illegal: '手机号码只能包含数字，请重新输入。',
  length: (n: number) => `手机号码应为 11 位，您输入的是 ${n} 位，请核对。`,
  prefix: '手机号码应以 13–19 开头，请核对；如只有固定电话，请告诉我们座机号码。',
} as const;
