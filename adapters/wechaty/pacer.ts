/**
 * Spaces outgoing messages at least `gapMs` apart, in order: bursts are what gets a personal
 * account flagged. One pacer per login (all chats share the account's rate).
 */
export class Pacer {
  private tail: Promise<unknown> = Promise.resolve();
  private last = 0;

  constructor(private readonly gapMs: number) {}

  run<T>(send: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const wait = this.last + this.gapMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.last = Date.now();
      return send();
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}
