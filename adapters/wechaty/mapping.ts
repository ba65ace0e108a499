import type { Activity, ConversationReference } from 'botbuilder';
import { activityText } from '../activity-text.ts';

export const CHANNEL_ID = 'wechaty';

/**
 * A Wechaty message as plain data (read from wechaty's Message by the channel), so the mapping
 * is pure and testable without a puppet.
 */
export interface WechatyMessageData {
  id: string;
  isText: boolean;
  text: string;
  /** Sent by the logged-in account itself (including our own replies). */
  self: boolean;
  ageSeconds: number;
  talker: { id: string; name: string };
  room?: { id: string; topic: string };
  /** In a room: the bot was @-mentioned. */
  mentionsSelf: boolean;
  /** In a room: the text with the @-mention(s) removed. */
  textWithoutMention?: string;
  bot: { id: string; name: string };
}

export type WechatyInbound =
  { kind: 'turn'; activity: Partial<Activity> } | { kind: 'polite'; activity: Partial<Activity> } | { kind: 'ignore'; reason: string };

/** Private chats always; rooms only when the bot is @-mentioned; never our own or stale messages. */
export function mapWechatyMessage(m: WechatyMessageData, maxAgeSeconds: number): WechatyInbound {
  if (m.self) return { kind: 'ignore', reason: 'own message' };
  if (m.ageSeconds > maxAgeSeconds) return { kind: 'ignore', reason: `older than ${maxAgeSeconds}s (replayed after a reconnect)` };
  if (m.room && !m.mentionsSelf) return { kind: 'ignore', reason: 'room message not addressed to the bot' };
  const activity = baseActivity(m);
  const raw = (m.room ? m.textWithoutMention : m.text) ?? '';
  const text = activityText.safeParse(raw.replace(/^[\s\u2005]+|[\s\u2005]+$/g, ''));
  if (!m.isText || !text.success || !text.data) return { kind: 'polite', activity };
  return { kind: 'turn', activity: { ...activity, type: 'message', text: text.data } };
}

function baseActivity(m: WechatyMessageData): Partial<Activity> {
  const conversation = m.room
    ? { id: m.room.id, name: m.room.topic, isGroup: true, conversationType: 'group' }
    : { id: m.talker.id, name: m.talker.name, isGroup: false, conversationType: 'personal' };
  return {
    id: m.id,
    type: 'message',
    channelId: CHANNEL_ID,
    serviceUrl: CHANNEL_ID,
    timestamp: new Date(Date.now() - m.ageSeconds * 1000),
    from: { id: m.talker.id, name: m.talker.name, role: 'user' },
    recipient: { id: m.bot.id, name: m.bot.name, role: 'bot' },
    conversation,
    locale: 'zh-CN',
  };
}

/** Where a reply goes: a contact, or a room with the asker to @-mention. */
export type WechatyTarget = { kind: 'contact'; contactId: string } | { kind: 'room'; roomId: string; mentionId?: string };

/** From the turn's activity or a stored reference (conversation + user). */
export function targetOf(reference: Partial<Pick<ConversationReference, 'conversation' | 'user'>>): WechatyTarget | undefined {
  const conversation = reference.conversation;
  if (!conversation?.id) return undefined;
  if (conversation.isGroup) return { kind: 'room', roomId: conversation.id, mentionId: reference.user?.id };
  return { kind: 'contact', contactId: conversation.id };
}
