import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { activityText } from '../activity-text.ts';

export const CHANNEL_ID = 'wechat-kf';

/** The decrypted callback: only a nudge ("there is something to sync") with a short-lived token. */
export const kfCallbackEvent = z
  .object({
    ToUserName: z.string().min(1),
    CreateTime: z.string().regex(/^\d{1,12}$/),
    MsgType: z.literal('event'),
    Event: z.string().min(1),
    Token: z.string().max(256).optional(),
    OpenKfId: z.string().max(128).optional(),
  })
  .loose();

/** One entry of kf/sync_msg's msg_list (origin 3: the customer, 4: the system, 5: a 接待人员). */
export const kfMessage = z
  .object({
    msgid: z.string().min(1).max(128),
    open_kfid: z.string().optional(),
    external_userid: z.string().optional(),
    send_time: z.number().optional(),
    origin: z.number().optional(),
    msgtype: z.string(),
    text: z.object({ content: z.string(), menu_id: z.string().optional() }).loose().optional(),
    event: z
      .object({
        event_type: z.string(),
        open_kfid: z.string().optional(),
        external_userid: z.string().optional(),
        scene: z.string().optional(),
        scene_param: z.string().optional(),
        welcome_code: z.string().optional(),
        change_type: z.number().optional(),
        new_servicer_userid: z.string().optional(),
        fail_msgid: z.string().optional(),
        fail_type: z.number().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type KfMessage = z.infer<typeof kfMessage>;

export const syncResponse = z
  .object({
    next_cursor: z.string().default(''),
    has_more: z.number().default(0),
    msg_list: z.array(z.unknown()).default([]),
  })
  .loose();

const CUSTOMER = 3;
const SYSTEM = 4;

/** What one synced message asks of the channel. */
export type KfInbound =
  | { kind: 'turn'; userId: string; activity: Partial<Activity>; opensWindow: boolean; welcomeCode?: string }
  | { kind: 'polite'; userId: string }
  | { kind: 'ignore'; reason: string };

/** kf message → what to do. Pure: the channel does the I/O. */
export function mapKfMessage(m: KfMessage, botId: string): KfInbound {
  if (m.origin === CUSTOMER && m.external_userid) {
    const userId = m.external_userid;
    if (m.msgtype !== 'text') return { kind: 'polite', userId };
    const text = activityText.safeParse((m.text?.content ?? '').trim());
    if (!text.success || !text.data) return { kind: 'polite', userId };
    const activity = { ...base(m, userId, botId), type: 'message', text: text.data, channelData: { msgid: m.msgid, menuId: m.text?.menu_id } };
    return { kind: 'turn', userId, activity, opensWindow: true };
  }
  if (m.origin === SYSTEM && m.msgtype === 'event' && m.event?.external_userid) {
    const event = m.event;
    const userId = event.external_userid as string;
    if (event.event_type === 'enter_session') {
      const activity: Partial<Activity> = {
        ...base(m, userId, botId),
        type: 'conversationUpdate',
        membersAdded: [{ id: userId, name: '', role: 'user' }],
        // scene_param may carry the enterprise's 统一社会信用代码 from the entry link.
        channelData: { msgid: m.msgid, scene: event.scene, sceneParam: event.scene_param },
      };
      return { kind: 'turn', userId, activity, opensWindow: false, welcomeCode: event.welcome_code };
    }
    if (event.event_type === 'session_status_change' || event.event_type === 'msg_send_fail') {
      const activity = { ...base(m, userId, botId), type: 'event', name: `wechat-kf.${event.event_type}`, value: event };
      return { kind: 'turn', userId, activity, opensWindow: false };
    }
    return { kind: 'ignore', reason: `event ${event.event_type}` };
  }
  return { kind: 'ignore', reason: `origin ${m.origin ?? '?'} ${m.msgtype}` };
}

function base(m: KfMessage, userId: string, botId: string): Partial<Activity> {
  return {
    id: m.msgid,
    channelId: CHANNEL_ID,
    serviceUrl: CHANNEL_ID,
    timestamp: new Date((m.send_time ?? Math.floor(Date.now() / 1000)) * 1000),
    from: { id: userId, name: '', role: 'user' },
    recipient: { id: botId, name: '', role: 'bot' },
    conversation: { id: userId, name: '', isGroup: false, conversationType: 'personal' },
    locale: 'zh-CN',
  };
}
