import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { activityText } from '../activity-text.ts';
import type { XmlFields } from './xml.ts';

export const CHANNEL_ID = 'wechat-official';

/** The fields every Official Account message or event carries; the rest depends on MsgType. */
const envelope = z
  .object({
    ToUserName: z.string().min(1).max(64),
    FromUserName: z.string().min(1).max(128),
    CreateTime: z.string().regex(/^\d{1,12}$/),
    MsgType: z.string().min(1).max(32),
    MsgId: z
      .string()
      .regex(/^\d{1,24}$/)
      .optional(),
    Content: z.string().optional(),
    Recognition: z.string().optional(),
    Event: z.string().max(64).optional(),
    EventKey: z.string().max(256).optional(),
  })
  .loose();

export type OfficialMessage = z.infer<typeof envelope>;

export function parseOfficialMessage(fields: XmlFields): OfficialMessage | z.ZodError {
  const parsed = envelope.safeParse(fields);
  return parsed.success ? parsed.data : parsed.error;
}

/** What one callback asks of the channel. */
export type Inbound =
  /** Run the bot. `replies` false: the user can no longer receive them (unsubscribed). */
  | { kind: 'turn'; activity: Partial<Activity>; opensWindow: boolean; replies: boolean }
  /** Answer without the bot (images, files, …: "目前只能处理文字消息"). */
  | { kind: 'polite'; opensWindow: true }
  /** Nothing to do; answer "success". */
  | { kind: 'ignore'; reason: string };

/** The dedupe key: MsgId for messages; events have none, so FromUserName + CreateTime. */
export function messageKey(m: OfficialMessage): string {
  return m.MsgId ? `msg:${m.MsgId}` : `event:${m.FromUserName}:${m.CreateTime}`;
}

/**
 * Official Account message/event → what to do. Pure: the callback route does the I/O.
 * `menuClicks` maps a menu button's key to the text the bot should see.
 */
export function mapOfficialMessage(m: OfficialMessage, options: { menuClicks: Record<string, string>; serviceUrl: string }): Inbound {
  const base = baseActivity(m, options.serviceUrl);
  const message = (text: string): Inbound => {
    const checked = activityText.safeParse(text.trim());
    if (!checked.success || !checked.data) return { kind: 'polite', opensWindow: true };
    return { kind: 'turn', activity: { ...base, type: 'message', text: checked.data }, opensWindow: true, replies: true };
  };
  switch (m.MsgType) {
    case 'text':
      return message(m.Content ?? '');
    case 'voice':
      // Recognition is there only when the account enabled 语音识别 and WeChat understood it.
      return m.Recognition?.trim() ? message(m.Recognition) : { kind: 'polite', opensWindow: true };
    case 'event':
      return mapEvent(m, base, options.menuClicks);
    default:
      // image, video, shortvideo, location, link, file and types WeChat adds later.
      return { kind: 'polite', opensWindow: true };
  }
}

function mapEvent(m: OfficialMessage, base: Partial<Activity>, menuClicks: Record<string, string>): Inbound {
  const event = (m.Event ?? '').toLowerCase();
  const user = { id: m.FromUserName, name: '', role: 'user' };
  switch (event) {
    case 'subscribe':
      return {
        kind: 'turn',
        activity: { ...base, type: 'conversationUpdate', membersAdded: [user], channelData: { ...base.channelData, eventKey: m.EventKey } },
        opensWindow: true,
        replies: true,
      };
    case 'unsubscribe':
      return { kind: 'turn', activity: { ...base, type: 'event', name: 'wechat.unsubscribe' }, opensWindow: false, replies: false };
    case 'click': {
      const text = m.EventKey ? menuClicks[m.EventKey] : undefined;
      if (!text) return { kind: 'ignore', reason: `menu key "${m.EventKey ?? ''}" has no configured text` };
      return {
        kind: 'turn',
        activity: { ...base, type: 'message', text, channelData: { ...base.channelData, menuKey: m.EventKey } },
        opensWindow: true,
        replies: true,
      };
    }
    case 'scan':
      return { kind: 'turn', activity: { ...base, type: 'event', name: 'wechat.scan', value: m.EventKey }, opensWindow: true, replies: true };
    default:
      // VIEW (a link in the menu), LOCATION reports, TEMPLATESENDJOBFINISH …: nothing for the bot.
      return { kind: 'ignore', reason: `event ${m.Event ?? '(none)'}` };
  }
}

function baseActivity(m: OfficialMessage, serviceUrl: string): Partial<Activity> {
  return {
    id: messageKey(m),
    channelId: CHANNEL_ID,
    serviceUrl,
    timestamp: new Date(Number(m.CreateTime) * 1000),
    from: { id: m.FromUserName, name: '', role: 'user' },
    recipient: { id: m.ToUserName, name: '', role: 'bot' },
    conversation: { id: m.FromUserName, name: '', isGroup: false, conversationType: 'personal' },
    locale: 'zh-CN',
    channelData: { msgType: m.MsgType, msgId: m.MsgId, event: m.Event },
  };
}
