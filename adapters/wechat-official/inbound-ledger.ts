import type { Kysely } from 'kysely';
import type { WechatTables } from './schema.ts';

/**
 * Remembers every inbound message by its key (MsgId; events: FromUserName + CreateTime) so
 * WeChat's retries, and the same message arriving at two instances, run the bot once. The unique
 * key is the lock: whoever inserts the row owns the message; everyone else waits for its outcome.
 */

export class InboundLedger {
  /** Outcomes of messages this process is handling, so a retry here need not poll. */
  private readonly local = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly db: Kysely<WechatTables>,
    private readonly channel: string,
  ) {}

  /** True when this caller is the first to see the message and must handle it. */
  async claim(key: string): Promise<boolean> {
    const result = await this.db
      .insertInto('wechat_inbound')
      .values({ channel: this.channel, msg_key: key, state: 'running', reply: null, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['channel', 'msg_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Runs the owner's work, recording its passive reply (if any) when done. */
  track(key: string, work: Promise<string | undefined>): Promise<string | undefined> {
    this.local.set(key, work);
    const settle = async (reply: string | undefined) => {
      await this.db
        .updateTable('wechat_inbound')
        .set({ state: 'done', reply: reply ?? null })
        .where('channel', '=', this.channel)
        .where('msg_key', '=', key)
        .execute();
    };
    return work.then(
      async (reply) => {
        await settle(reply);
        this.local.delete(key);
        return reply;
      },
      async (err: unknown) => {
        await settle(undefined);
        this.local.delete(key);
        throw err;
      },
    );
  }

  /**
   * For a duplicate: the first delivery's passive reply once it is done, or undefined when it had
   * none or is still running at the deadline (the caller then answers "success").
   */
  async waitForReply(key: string, deadline: number, pollMs = 100): Promise<string | undefined> {
    const mine = this.local.get(key);
    if (mine) return Promise.race([mine.catch(() => undefined), sleep(Math.max(0, deadline - Date.now())).then(() => undefined)]);
    for (;;) {
      const row = await this.db
        .selectFrom('wechat_inbound')
        .select(['state', 'reply'])
        .where('channel', '=', this.channel)
        .where('msg_key', '=', key)
        .executeTakeFirst();
      if (!row || row.state === 'done') return row?.reply ?? undefined;
      if (Date.now() + pollMs > deadline) return undefined;
      await sleep(pollMs);
    }
  }

  /** Forgets messages older than WeChat could still retry (it gives up after ~15 s). */
  async prune(olderThanMs: number): Promise<void> {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    await this.db.deleteFrom('wechat_inbound').where('channel', '=', this.channel).where('created_at', '<', cutoff).execute();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
