import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeskEvent, type DeskHub, LocalDeskHub } from '../../desk/events/hub.ts';
import { Presence } from '../../desk/events/presence.ts';
import { RedisDeskHub } from '../../desk/events/redis-hub.ts';
import { createLogger } from '../../log/logger.ts';
import { redisUrl } from '../support/services.ts';

const ticket = (number: string, version: number): DeskEvent => ({
  type: 'ticket',
  number,
  version,
  state: 'new',
  department: null,
  action: 'create',
  actor: 'x',
  at: new Date().toISOString(),
});

/** Collects the ticket events of this run a subscriber hears. */
function listen(hub: DeskHub, run: string) {
  const heard: string[] = [];
  const unsubscribe = hub.subscribe((e) => {
    if (e.type === 'ticket' && e.number.startsWith(run)) heard.push(`${e.number}@${e.version}`);
  });
  return { heard, unsubscribe };
}

/**
 * One contract for every desk hub: each subscriber, on either instance, hears every event once and in order, and
 * nothing after unsubscribing; presence built from the hub agrees on both instances.
 */
function hubContract(name: string, pair: () => Promise<[DeskHub, DeskHub] | undefined>) {
  describe(`desk hub: ${name}`, () => {
    let hubs: [DeskHub, DeskHub] | undefined;
    const run = randomUUID().slice(0, 8); // other runs may share the Redis server
    beforeAll(async () => {
      hubs = await pair();
    });
    afterAll(async () => {
      if (hubs) await Promise.all([...new Set(hubs)].map((h) => h.close()));
    });

    it('delivers every event once, in order, to subscribers on both instances', async (ctx) => {
      if (!hubs) return ctx.skip();
      const [a, b] = hubs;
      const local = listen(a, run);
      const remote = listen(b, run);
      for (let v = 1; v <= 3; v++) a.publish(ticket(`${run}-1`, v));
      b.publish(ticket(`${run}-2`, 1));
      // In order per publisher; two publishers' events may interleave.
      const of = (heard: string[], n: number) => heard.filter((h) => h.startsWith(`${run}-${n}@`));
      for (const l of [remote, local]) {
        await expect.poll(() => of(l.heard, 1)).toEqual([`${run}-1@1`, `${run}-1@2`, `${run}-1@3`]);
        await expect.poll(() => of(l.heard, 2)).toEqual([`${run}-2@1`]);
        expect(l.heard).toHaveLength(4);
      }
      local.unsubscribe();
      remote.unsubscribe();
    });

    it('stops delivering after unsubscribe', async (ctx) => {
      if (!hubs) return ctx.skip();
      const [a, b] = hubs;
      const gone = listen(b, run);
      const kept = listen(b, run);
      gone.unsubscribe();
      a.publish(ticket(`${run}-3`, 1));
      await expect.poll(() => kept.heard).toEqual([`${run}-3@1`]);
      expect(gone.heard).toEqual([]);
      kept.unsubscribe();
    });

    it('lets presence on either instance agree on who has a ticket open', async (ctx) => {
      if (!hubs) return ctx.skip();
      const [a, b] = hubs;
      const pa = new Presence(a);
      const pb = new Presence(b);
      const t = `${run}-T`;
      pa.announce(t, null, { id: 'u1', name: '小王' }, 30_000);
      pb.announce(t, null, { id: 'u2', name: '小李' }, 30_000);
      await expect
        .poll(() =>
          pa
            .viewers(t)
            .map((v) => v.name)
            .sort(),
        )
        .toEqual(['小李', '小王']);
      await expect
        .poll(() =>
          pb
            .viewers(t)
            .map((v) => v.name)
            .sort(),
        )
        .toEqual(['小李', '小王']);
      pb.leave(t, null, { id: 'u2', name: '小李' });
      await expect.poll(() => pa.viewers(t).map((v) => v.name)).toEqual(['小王']);
      pa.close();
      pb.close();
    });
  });
}

hubContract('in process', async () => {
  const hub = new LocalDeskHub();
  return [hub, hub];
});

hubContract('Redis, two instances', async () => {
  const url = await redisUrl();
  if (!url) return undefined;
  const log = createLogger('silent');
  return [await RedisDeskHub.connect(url, log), await RedisDeskHub.connect(url, log)];
});
