/**
 * When this process last wrote each row's `updated_at`, so a row written on every turn (a conversation's state, its
 * sequence number) has the column rewritten at most once per `intervalMs`.
 *
 * Why: `updated_at` only tells retention, which counts in days, what has gone untouched; but a write that sets it
 * also rewrites the row's entry in the column's index: on SQLite two more pages in every turn's commit (the commit is
 * most of a turn's SQL time; measured: a turn's statements 20–25 % faster without it), on PostgreSQL an update that
 * cannot be HOT. Leaving it alone between touches, the column lags the last write by at most `intervalMs`
 * (a turn that rolls back after being told to touch delays the touch by as much), which retention never notices.
 */
export class RecentTouches {
  private readonly last = new Map<string, number>();

  constructor(
    readonly intervalMs = 10 * 60_000,
    /** Rows remembered (more than are written to within an interval); the oldest goes first: its next write touches it. */
    private readonly max = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a write to `key` now should set its `updated_at`; when it should, counts it as touched. */
  due(key: string): boolean {
    const now = this.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.delete(key); // re-inserted last: the map stays oldest-first
    if (this.last.size >= this.max) this.last.delete(this.last.keys().next().value as string);
    this.last.set(key, now);
    return true;
  }
}

/** A statement in two forms, setting `updated_at` and leaving it alone; `for(key)` is the one a write to `key` needs. */
export class TouchingStatement<Q> {
  private readonly touching: Q;
  private readonly leaving: Q;

  constructor(
    private readonly touches: RecentTouches,
    build: (touch: boolean) => Q,
  ) {
    this.touching = build(true);
    this.leaving = build(false);
  }

  for(key: string): Q {
    return this.touches.due(key) ? this.touching : this.leaving;
  }
}
