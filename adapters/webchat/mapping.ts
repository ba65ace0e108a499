import type { Activity, ChannelAccount } from 'botbuilder';
import { maskIdentityNumbers } from '../../log/mask.ts';
import type { IncomingActivity } from './payloads.ts';
import type { Conversation } from './store.ts';

/**
 * The channel id of Line One's own Direct Line. Not "webchat": that is what Azure's Web Chat channel sends to
 * /api/messages, and a caller there must never reach the state or the conversations of this channel.
 */
export const CHANNEL_ID = 'lineone-webchat';

export interface Envelope {
  serviceUrl: string;
  bot: ChannelAccount;
  now: Date;
}

/** Pure mapping between what a Direct Line client sends and the Activities the bot sees. */
function fromUser(conversation: Conversation, envelope: Envelope, name = '') {
  return {
    channelId: CHANNEL_ID,
    serviceUrl: envelope.serviceUrl,
    from: { id: conversation.userId, name, role: 'user' },
    recipient: envelope.bot,
    conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
    timestamp: envelope.now,
  };
}

/** A client's activity as the bot sees it: always from the conversation's bound user, whatever it claims. */
export function userActivity(incoming: IncomingActivity, conversation: Conversation, envelope: Envelope): Partial<Activity> {
  return { ...incoming, ...fromUser(conversation, envelope, visitorName(incoming.from?.name, envelope.bot.name)), locale: incoming.locale ?? 'zh-CN' };
}

/** Words that would make a visitor's display name pass for the bot, an agent or an official. */
const ROLE_WORDS = [
  '客服',
  '人工',
  '坐席',
  '座席',
  '工作人员',
  '管理员',
  '官方',
  '系统',
  '机器人',
  '热线',
  '12345',
  '政府',
  '专员',
  '值班',
  '客服中心',
  '智能助手',
  '一号线',
  'agent',
  'admin',
  'administrator',
  'bot',
  'official',
  'system',
  'operator',
  'support',
  'staff',
  'moderator',
  'lineone',
  'line one',
];

/**
 * The name a visitor may go by: free text, but never the bot's name or anything naming an official or
 * agent role (compared after NFKC, case folding and with spaces and punctuation removed), and never
 * control or direction-override characters. Such a name is dropped, not refused: Web Chat sends
 * whatever name its host page configured.
 */
export function visitorName(name: string | undefined, botName: string | undefined): string {
  if (!name) return '';
  const clean = name
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  const folded = clean.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
  const words = [...ROLE_WORDS, botName ?? '']
    .map((w) =>
      w
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[\s\p{P}\p{S}]/gu, ''),
    )
    .filter(Boolean);
  return words.some((w) => folded.includes(w)) ? '' : clean;
}

/** The conversationUpdate that makes the bot say its welcome when a conversation starts. */
export function conversationStarted(conversation: Conversation, envelope: Envelope): Partial<Activity> {
  return {
    type: 'conversationUpdate',
    ...fromUser(conversation, envelope),
    membersAdded: [envelope.bot, { id: conversation.userId, name: '', role: 'user' }],
    locale: 'zh-CN',
  };
}

/** A bot reply as stored and streamed: from the bot, on this channel. */
export function botActivity(reply: Partial<Activity>, bot: ChannelAccount): Partial<Activity> {
  return { ...reply, from: bot, channelId: CHANNEL_ID };
}

/**
 * The copy of a user's activity that is stored and streamed: identity-card and bank-card numbers in its
 * text and value masked (the bot's turn still sees what the user typed). See maskIdentityNumbers.
 */
export function transcriptCopy(activity: Partial<Activity>): Partial<Activity> {
  const text = typeof activity.text === 'string' ? maskIdentityNumbers(activity.text) : activity.text;
  const value = activity.value === undefined ? undefined : maskStrings(activity.value);
  if (text === activity.text && value === activity.value) return activity;
  return { ...activity, text, value };
}

function maskStrings(value: unknown): unknown {
  if (typeof value === 'string') return maskIdentityNumbers(value);
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [key, item] of Object.entries(value)) {
    const masked = maskStrings(item);
    if (masked !== item) changed = true;
    (out as Record<string, unknown>)[key] = masked;
  }
  return changed ? out : value;
}
