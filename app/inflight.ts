/** Counts work in progress so a shutdown can let in-flight turns finish before closing storage. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.pending.size;
  }

  track = <T>(work: Promise<T>): Promise<T> => {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  };

  /** Resolves when all tracked work has settled, or after `timeoutMs` (returns false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const settled = (async () => {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      return true as const;
    })();
    const result = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    return result;
  }
}
