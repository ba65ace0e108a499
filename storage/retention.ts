import type { Kysely } from 'kysely';
import type { Logger } from '../log/logger.ts';
import type { ModuleSchema } from './migrate.ts';
import type { StorageTables } from './schema.ts';

/**
 * Personal data is kept only as long as the service needs it: a job that deletes what was last touched
 * more than RETENTION_DAYS ago, on a timer, in batches, logging what it deleted. Each module that
 * stores conversations brings its own task (app/ composes them), and every task asks the same hook
 * before deleting a conversation, so one linked to an open ticket (a later module) can be kept.
 */
export interface RetentionTask {
  name: string;
  /** Deletes records last touched before `cutoff`, `batchSize` at a time; returns how many it deleted. */
  purge(cutoff: Date, batchSize: number): Promise<number>;
}

/** Which of these conversations must outlive the retention period (e.g. linked to an open ticket). */
export type KeepConversations = (channelId: string, conversationIds: readonly string[]) => Promise<ReadonlySet<string>>;

export interface RetentionOptions {
  /** Age in days after which records go; 0 keeps everything (the job does not run). */
  days: number;
  intervalMs: number;
  /** First run this long after start (default: a minute, so start-up is not slowed). */
  firstRunMs?: number;
  batchSize?: number;
  tasks: readonly RetentionTask[];
  log: Logger;
  now?: () => Date;
}

export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Record<string, number>> | undefined;

  constructor(private readonly o: RetentionOptions) {}

  start(): void {
    if (this.o.days <= 0) {
      this.o.log.warn('retention: RETENTION_DAYS=0, transcripts and bot state are kept forever');
      return;
    }
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        this.runOnce().finally(() => schedule(this.o.intervalMs));
      }, ms);
      this.timer.unref();
    };
    schedule(this.o.firstRunMs ?? 60_000);
  }

  /** One pass over every task; concurrent calls share the pass in progress. */
  runOnce(): Promise<Record<string, number>> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<Record<string, number>> {
    const now = this.o.now?.() ?? new Date();
    const cutoff = new Date(now.getTime() - this.o.days * 86_400_000);
    const deleted: Record<string, number> = {};
    for (const task of this.o.tasks) {
      try {
        deleted[task.name] = await task.purge(cutoff, this.o.batchSize ?? 500);
      } catch (err) {
        this.o.log.error({ err, task: task.name }, 'retention: purge failed; retrying on the next run');
      }
    }
    this.o.log.info({ cutoff: cutoff.toISOString(), deleted }, 'retention: deleted records older than the retention period');
    return deleted;
  }
}

/**
 * The key-value store's rows (the bot's conversation state). `conversationOf` reads a key's
 * conversation (the bot's key format is not storage's business); rows of kept conversations stay.
 */
export function keyValueRetention(
  db: Kysely<StorageTables>,
  keep: KeepConversations,
  conversationOf: (key: string) => { channelId: string; conversationId: string } | undefined,
): RetentionTask {
  return {
    name: 'bot state',
    async purge(cutoff, batchSize) {
      let deleted = 0;
      let after: { updated_at: string; key: string } | undefined;
      for (;;) {
        const rows = await db
          .selectFrom('kv_items')
          .select(['key', 'updated_at'])
          .where('updated_at', '<', cutoff.toISOString())
          .$if(after !== undefined, (q) =>
            q.where((eb) => eb.or([eb('updated_at', '>', after!.updated_at), eb.and([eb('updated_at', '=', after!.updated_at), eb('key', '>', after!.key)])])),
          )
          .orderBy('updated_at')
          .orderBy('key')
          .limit(batchSize)
          .execute();
        if (rows.length === 0) return deleted;
        after = rows.at(-1);
        const kept = new Set<string>();
        const byChannel = new Map<string, Array<{ key: string; conversationId: string }>>();
        for (const row of rows) {
          const ref = conversationOf(row.key);
          if (!ref) continue;
          byChannel.set(ref.channelId, [...(byChannel.get(ref.channelId) ?? []), { key: row.key, conversationId: ref.conversationId }]);
        }
        for (const [channelId, items] of byChannel) {
          const keepIds = await keep(
            channelId,
            items.map((i) => i.conversationId),
          );
          for (const item of items) if (keepIds.has(item.conversationId)) kept.add(item.key);
        }
        const doomed = rows.map((r) => r.key).filter((k) => !kept.has(k));
        if (doomed.length > 0) {
          const result = await db.deleteFrom('kv_items').where('key', 'in', doomed).where('updated_at', '<', cutoff.toISOString()).executeTakeFirst();
          deleted += Number(result.numDeletedRows);
        }
        if (rows.length < batchSize) return deleted;
      }
    },
  };
}

/** An index so each batch finds old rows without reading the whole table. */
export const retentionSchema: ModuleSchema = {
  module: 'retention',
  migrations: {
    '2026-12-01-001-retention-kv-updated-at': {
      async up(db: Kysely<any>) {
        await db.schema.createIndex('kv_items_updated_at').ifNotExists().on('kv_items').column('updated_at').execute();
      },
    },
  },
};
