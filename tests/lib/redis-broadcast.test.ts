// The Redis pub/sub both hubs (Direct Line streams, the desk's screens) use across instances.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisBroadcast } from '../../lib/redis-broadcast.ts';
import { redisUrl } from '../support/services.ts';

describe('RedisBroadcast', () => {
  it('delivers to the other instances only, and survives a malformed message on its channel', async (ctx) => {
    const url = await redisUrl();
    if (!url) return ctx.skip();
    const channel = `lineone:test:${randomUUID()}`;
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, message?: string) => void warnings.push(message ?? '') };
    const heardByA: string[] = [];
    const heardByB: string[] = [];
    const a = await RedisBroadcast.connect<string>(url, channel, log, (m) => heardByA.push(m));
    const b = await RedisBroadcast.connect<string>(url, channel, log, (m) => heardByB.push(m));
    const { default: Redis } = await import('ioredis');
    const raw = new Redis(url);
    try {
      a.send('社保断缴怎么办', {}, 'lost');
      await expect.poll(() => heardByB).toEqual(['社保断缴怎么办']);
      await raw.publish(channel, '{not json');
      await expect.poll(() => warnings).toContain('redis: ignoring a malformed message');
      b.send('好的', {}, 'lost');
      await expect.poll(() => heardByA).toEqual(['好的']);
      expect(heardByB).toEqual(['社保断缴怎么办']); // never its own message back
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
