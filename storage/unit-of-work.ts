import type { Kysely } from 'kysely';

/** Writes gathered during a turn, applied together. */
export interface PendingWrite {
  write(trx: Kysely<any>): Promise<void>;
  /** Runs once the transaction has committed (e.g. telling open streams). */
  afterCommit?(): void;
}

/**
 * Everything one turn writes (the user's message, the bot's replies, the conversation state), committed in one
 * transaction before the request is answered: all of it or none of it, one commit instead of three. The unit travels
 * in the turn's own state map (botbuilder's TurnContext.turnState) and is handed to the stores that join it.
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

/**
 * Where a turn's unit of work is kept in the turn's state map. It is passed along explicitly, not through
 * AsyncLocalStorage: on Node 20 an AsyncLocalStorage in use turns on promise hooks for the whole process, and every
 * promise then costs a call into JavaScript (measured: async-heavy code 2–3× slower; about a tenth of a turn's CPU).
 */
const UNIT_OF_WORK = Symbol.for('lineone.unitOfWork');

/** What this module needs of a turn's state map (botbuilder's TurnContext.turnState), without depending on botbuilder. */
export interface TurnState {
  get(key: unknown): unknown;
  set(key: unknown, value: unknown): unknown;
}

/** Makes `unit` the turn's unit of work: the stores the turn writes through join it. */
export function attachUnitOfWork(turnState: TurnState, unit: UnitOfWork): void {
  turnState.set(UNIT_OF_WORK, unit);
}

/**
 * The turn's unit of work while it is still open: outside one, or once it has committed (a timer the turn left
 * behind), stores write at once.
 */
export function openUnitOf(turnState: TurnState | undefined): UnitOfWork | undefined {
  const unit = turnState?.get(UNIT_OF_WORK);
  return unit instanceof UnitOfWork && unit.open ? unit : undefined;
}

/**
 * Runs a whole turn as one unit of work and commits it (`commit` decides how) before resolving: for channels whose
 * own writes are not part of the turn (Bot Framework), the state and the question's record still commit once.
 */
export async function inUnitOfWork(turnState: TurnState, commit: (unit: UnitOfWork) => Promise<void>, work: () => Promise<void>): Promise<void> {
  const unit = new UnitOfWork();
  attachUnitOfWork(turnState, unit);
  await work();
  await commit(unit);
}
