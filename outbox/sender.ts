import type { Logger } from '../log/logger.ts';
import { DeliveryDeferred, DeliveryFailed } from './errors.ts';
import type { OutboxMessage, OutboxStore } from './store.ts';

/** Sends one message on its channel. Throws DeliveryDeferred / DeliveryFailed, or anything for a passing failure. */
export type Deliver = (message: OutboxMessage) => Promise<void>;

export interface SenderOptions {
  /** How often to look for due messages when nobody wakes the sender (other instances' writes, retries). */
  pollMs: number;
  batchSize: number;
  /** How long a claimed message is ours; after a crash it becomes due again when this runs out. */
  leaseMs: number;
  /** Attempts before a message is marked failed (for an agent to see). */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  pollMs: 500,
  batchSize: 20,
  leaseMs: 30_000,
  maxAttempts: 12,
  retryBaseMs: 1_000,
  retryMaxMs: 10 * 60_000,
};

/**
 * Delivers the outbox: claims due messages, hands each to its channel, records the outcome. Runs on every
 * instance; claims keep two senders from taking the same message. Nothing is deleted: a message is delivered,
 * held for the user's next message, retried with backoff, or marked failed.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: OutboxStore,
    private readonly deliver: Deliver,
    private readonly log: Logger,
    private readonly options: SenderOptions = DEFAULT_SENDER_OPTIONS,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Something was just written: look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Delivers everything due now; returns how many messages were handled. For tests and the poll loop. */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const batch = await this.store.claim(this.options.batchSize, this.options.leaseMs);
      for (const message of batch) await this.send(message);
      handled += batch.length;
      if (batch.length < this.options.batchSize) return handled;
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.runOnce();
        } catch (err) {
          this.log.error({ err }, 'outbox: delivery round failed; retrying at the next poll');
        }
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.options.pollMs);
  }

  private async send(message: OutboxMessage): Promise<void> {
    const fields = { outboxId: message.id, channelId: message.channelId, attempt: message.attempts };
    try {
      await this.deliver(message);
      await this.store.delivered(message.id);
      this.log.info(fields, 'outbox: delivered');
    } catch (err) {
      await this.settleFailure(message, err, fields);
    }
  }

  private async settleFailure(message: OutboxMessage, err: unknown, fields: object): Promise<void> {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (err instanceof DeliveryDeferred) {
      if (err.retryWhen === 'next_inbound') await this.store.hold(message.id, reason);
      else await this.store.retryAt(message.id, err.retryWhen, reason);
      this.log.info({ ...fields, reason }, 'outbox: deferred by the channel');
    } else if (err instanceof DeliveryFailed || message.attempts >= this.options.maxAttempts) {
      await this.store.fail(message.id, reason);
      this.log.error({ ...fields, err }, 'outbox: delivery failed for good; an agent must follow up');
    } else {
      const backoff = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (message.attempts - 1));
      const jitter = backoff * 0.2 * Math.random();
      await this.store.retryAt(message.id, new Date(Date.now() + backoff + jitter), reason);
      this.log.warn({ ...fields, err, retryInMs: Math.round(backoff + jitter) }, 'outbox: delivery failed; will retry');
    }
  }
}
