import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';

/** Writes gathered during a turn, applied together. */
export interface PendingWrite {
  write(trx: Kysely<any>): Promise<void>;
  /** Runs once the transaction has committed (e.g. telling open streams). */
  afterCommit?(): void;
}

/**
 * Everything one turn writes (the user's message, the bot's replies, the conversation state), committed in one
 * transaction before the request is answered: all of it or none of it, one commit instead of three. Stores join
 * the unit of work in progress (found through AsyncLocalStorage, so the bot between them needs to know nothing).
 */
export class UnitOfWork {
  private readonly pending = new Map<string, PendingWrite>();
  private finished = false;

  /** False once committed: work that outlives the turn (a timer it started) writes on its own. */
  get open(): boolean {
    return !this.finished;
  }

  /** The pending write under `key`, created on first use; writes apply in the order they were first added. */
  part<T extends PendingWrite>(key: string, create: () => T): T {
    let part = this.pending.get(key) as T | undefined;
    if (!part) {
      part = create();
      this.pending.set(key, part);
    }
    return part;
  }

  get empty(): boolean {
    return this.pending.size === 0;
  }

  /** Commits in a transaction of its own. */
  async commit(db: Kysely<any>): Promise<void> {
    if (this.empty) {
      this.finished = true;
      return;
    }
    await db.transaction().execute((trx) => this.writeIn(trx));
    this.committed();
  }

  /** Applies the writes inside a transaction someone else commits (a group commit). */
  async writeIn(trx: Kysely<any>): Promise<void> {
    for (const part of this.pending.values()) await part.write(trx);
  }

  /** To call once the transaction holding the writes has committed. */
  committed(): void {
    this.finished = true;
    const parts = [...this.pending.values()];
    this.pending.clear();
    for (const part of parts) part.afterCommit?.();
  }
}

const current = new AsyncLocalStorage<UnitOfWork>();

/**
 * The unit of work of the turn running now, if any: outside one, stores write at once. AsyncLocalStorage also
 * follows timers and promises a turn started; once the turn has committed, its unit is no longer current.
 */
export function currentUnitOfWork(): UnitOfWork | undefined {
  const unit = current.getStore();
  return unit?.open ? unit : undefined;
}

/** Runs `work` with its writes gathered in `unit` (the caller commits). */
export function withUnitOfWork<T>(unit: UnitOfWork, work: () => Promise<T>): Promise<T> {
  return current.run(unit, work);
}

/**
 * Runs a whole turn as one unit of work and commits it (`commit` decides how) before resolving: for channels whose
 * own writes are not part of the turn (Bot Framework), the state and the question's record still commit once.
 */
export async function inUnitOfWork(commit: (unit: UnitOfWork) => Promise<void>, work: () => Promise<void>): Promise<void> {
  const unit = new UnitOfWork();
  await withUnitOfWork(unit, work);
  await commit(unit);
}
