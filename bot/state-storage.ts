import type { Storage, StoreItems } from 'botbuilder';
import type { KeyValueStore } from '../storage/kv.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/**
 * botbuilder's `Storage` over a key-value store, with MemoryStorage's eTag rules: a write carrying
 * an eTag succeeds only if the stored item still has it (or was never stored); no eTag or "*"
 * overwrites.
 */
export class KeyValueBotStorage implements Storage {
  constructor(private readonly store: KeyValueStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const [key, stored] of await this.store.get(keys)) items[key] = { ...JSON.parse(stored.value), eTag: stored.version };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...rest } = (item ?? {}) as Record<string, unknown>;
      const expected = typeof eTag === 'string' && eTag !== '*' && eTag !== '' ? eTag : undefined;
      await this.store.put(key, JSON.stringify(rest), expected);
    }
  }

  /** One key's stored JSON as it was written (conversation state compares a turn's changes against this text). */
  async readText(key: string): Promise<string | undefined> {
    return (await this.store.get([key])).get(key)?.value;
  }

  /**
   * Stores JSON text as it is, overwriting: conversation state's last writer wins, as with botbuilder's BotState.
   * Within the turn's open `unit` it commits with the turn.
   */
  async writeText(key: string, text: string, unit?: UnitOfWork): Promise<void> {
    await this.store.put(key, text, undefined, unit);
  }

  async delete(keys: string[]): Promise<void> {
    await this.store.delete(keys);
  }
}
