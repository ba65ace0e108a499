import type { Kysely } from 'kysely';
import { DeliveryDeferred } from '../../outbox/errors.ts';
import type { WechatTables } from './schema.ts';

/**
 * The customer-service window: after a user writes, a service may send them at most 5 messages
 * within 48 hours (Official Account customer-service API and 微信客服 alike). Counted centrally
 * so every instance sees the same quota; a slot is claimed atomically before each send.
 */
export const WINDOW_MS = 48 * 3600 * 1000;
export const WINDOW_MESSAGES = 5;

export interface Slot {
  /** 1-based number of this message in the window. */
  number: number;
  /** The last message the window allows: the place to tell the user how to follow up. */
  last: boolean;
}

export class ServiceWindows {
  constructor(
    private readonly db: Kysely<WechatTables>,
    private readonly channel: string,
    private readonly limits = { ms: WINDOW_MS, messages: WINDOW_MESSAGES },
  ) {}

  /** The user wrote (or tapped a menu, or followed): a fresh window. */
  async open(userId: string, at = new Date()): Promise<void> {
    const opened_at = at.toISOString();
    await this.db
      .insertInto('wechat_windows')
      .values({ channel: this.channel, user_id: userId, opened_at, sent: 0 })
      .onConflict((oc) => oc.columns(['channel', 'user_id']).doUpdateSet({ opened_at, sent: 0 }))
      .execute();
  }

  /** Claims the next message slot, or throws DeliveryDeferred(…, 'next_inbound'). */
  async claim(userId: string): Promise<Slot> {
    const cutoff = new Date(Date.now() - this.limits.ms).toISOString();
    const row = await this.db
      .updateTable('wechat_windows')
      .set((eb) => ({ sent: eb('sent', '+', 1) }))
      .where('channel', '=', this.channel)
      .where('user_id', '=', userId)
      .where('opened_at', '>', cutoff)
      .where('sent', '<', this.limits.messages)
      .returning('sent')
      .executeTakeFirst();
    if (row) return { number: Number(row.sent), last: Number(row.sent) >= this.limits.messages };
    const current = await this.db
      .selectFrom('wechat_windows')
      .select(['opened_at', 'sent'])
      .where('channel', '=', this.channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (current && current.opened_at > cutoff) throw new DeliveryDeferred('quota_used', 'next_inbound');
    throw new DeliveryDeferred('window_closed', 'next_inbound');
  }

  /** A claimed slot whose message did not go out: give it back. */
  async release(userId: string): Promise<void> {
    await this.db
      .updateTable('wechat_windows')
      .set((eb) => ({ sent: eb('sent', '-', 1) }))
      .where('channel', '=', this.channel)
      .where('user_id', '=', userId)
      .where('sent', '>', 0)
      .execute();
  }

  /** WeChat says otherwise (45015 window over, 45047 quota used): believe it until the user writes. */
  async close(userId: string, reason: 'window_closed' | 'quota_used'): Promise<void> {
    const update = reason === 'quota_used' ? { sent: this.limits.messages } : { opened_at: new Date(0).toISOString() };
    await this.db.updateTable('wechat_windows').set(update).where('channel', '=', this.channel).where('user_id', '=', userId).execute();
  }
}
