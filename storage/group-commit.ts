import type { Kysely } from 'kysely';
import type { UnitOfWork } from './unit-of-work.ts';

interface Waiting {
  unit: UnitOfWork;
  resolve(): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  /** Longest a turn waits for others to share its commit. */
  windowMs: number;
  /** Most turns in one commit; a full group commits at once. */
  maxGroup: number;
}

/**
 * With `synchronous=FULL` every commit waits for the disk. This commits the turns that arrive within a short
 * window together, one sync for all of them; each turn keeps its own all-or-nothing through a savepoint, so one
 * turn's conflict rolls back only that turn. Each caller's promise settles when its writes are durable.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<any>,
    private readonly options: GroupCommitOptions,
  ) {}

  commit = (unit: UnitOfWork): Promise<void> => {
    if (unit.empty) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      if (this.queue.length >= this.options.maxGroup) this.flushSoon(0);
      else if (!this.timer) this.flushSoon(this.options.windowMs);
    });
  };

  /** Resolves when everything queued so far has been committed (shutdown waits for it). */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) this.startFlush();
    await this.flushing;
  }

  private flushSoon(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startFlush();
      if (this.queue.length > 0) this.flushSoon(this.options.windowMs);
    }, delayMs);
  }

  /** Takes the next group off the queue; groups commit one after another. */
  private startFlush(): void {
    const group = this.queue.splice(0, this.options.maxGroup);
    this.flushing = this.flushing.then(() => this.flush(group));
  }

  private async flush(group: Waiting[]): Promise<void> {
    if (group.length === 0) return;
    const committed: Waiting[] = [];
    const refused = new Set<Waiting>();
    let trx: any;
    try {
      trx = await this.db.startTransaction().execute();
      for (const [i, waiting] of group.entries()) {
        const name = `turn${i}`;
        const point = await trx.savepoint(name).execute();
        try {
          await waiting.unit.writeIn(point);
          await point.releaseSavepoint(name).execute();
          committed.push(waiting);
        } catch (err) {
          await point.rollbackToSavepoint(name).execute();
          refused.add(waiting);
          waiting.reject(err);
        }
      }
      await trx.commit().execute();
    } catch (err) {
      await trx
        ?.rollback()
        .execute()
        .catch(() => undefined);
      for (const waiting of group) if (!refused.has(waiting)) waiting.reject(err);
      return;
    }
    for (const waiting of committed) {
      waiting.unit.committed();
      waiting.resolve();
    }
  }
}
