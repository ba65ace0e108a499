import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivityBatch, type ConversationHub, LocalConversationHub } from '../../adapters/webchat/hub.ts';
import { RedisConversationHub } from '../../adapters/webchat/redis-hub.ts';
import { createLogger } from '../../log/logger.ts';
import { redisUrl } from '../support/services.ts';

const batch = (text: string, watermark: number): ActivityBatch => ({ activities: [{ type: 'message', text }], watermark });

/** Collects what a subscriber hears. */
function listen(hub: ConversationHub, conversationId: string) {
  const heard: string[] = [];
  const unsubscribe = hub.subscribe(conversationId, (b) => heard.push(...b.activities.map((a) => a.text ?? '')));
  return { heard, unsubscribe };
}

/**
 * One contract for every hub: a stream hears each batch published for its conversation once, and nothing else.
 * `pair` gives two hubs that share traffic (one instance: the same hub twice; Redis: two instances).
 */
function hubContract(name: string, pair: () => Promise<[ConversationHub, ConversationHub] | undefined>) {
  describe(`conversation hub: ${name}`, () => {
    let hubs: [ConversationHub, ConversationHub] | undefined;
    // Unique per run: other test runs may share the Redis server.
    const run = randomUUID();
    const c = (n: number) => `${run}-c${n}`;
    beforeAll(async () => {
      hubs = await pair();
    });
    afterAll(async () => {
      if (hubs) await Promise.all([...new Set(hubs)].map((h) => h.close()));
    });

    it('delivers a batch once to every subscriber of that conversation, on either instance', async (ctx) => {
      if (!hubs) return ctx.skip();
      const [a, b] = hubs;
      const local = listen(a, c(1));
      const remote = listen(b, c(1));
      const other = listen(b, c(2));
      a.publish(c(1), batch('社保', 1));
      await expect.poll(() => remote.heard).toEqual(['社保']);
      expect(local.heard).toEqual(['社保']);
      // A later batch proves the first was not delivered twice, and nothing leaked to another conversation.
      a.publish(c(1), batch('医保', 2));
      await expect.poll(() => remote.heard).toEqual(['社保', '医保']);
      expect(local.heard).toEqual(['社保', '医保']);
      expect(other.heard).toEqual([]);
      for (const l of [local, remote, other]) l.unsubscribe();
    });

    it('stops delivering after unsubscribe', async (ctx) => {
      if (!hubs) return ctx.skip();
      const [a, b] = hubs;
      const gone = listen(b, c(3));
      const kept = listen(b, c(3));
      gone.unsubscribe();
      a.publish(c(3), batch('公积金', 1));
      await expect.poll(() => kept.heard).toEqual(['公积金']);
      expect(gone.heard).toEqual([]);
      kept.unsubscribe();
    });
  });
}

hubContract('in process', async () => {
  const hub = new LocalConversationHub();
  return [hub, hub];
});

hubContract('Redis, two instances', async () => {
  const url = await redisUrl();
  if (!url) return undefined;
  const log = createLogger('silent');
  return [await RedisConversationHub.connect(url, log), await RedisConversationHub.connect(url, log)];
});
