// The idle-time collection: it runs when the event loop is idle and the heap holds slack, never while busy, and at
// most a few times per idle spell.
import { describe, expect, it, vi } from 'vitest';
import { startMemoryHousekeeping } from '../../lib/memory-housekeeping.ts';

/** Keeps the event loop about 90 % busy until stopped. */
function keepBusy(): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + 9;
    while (performance.now() < until) {
      // spin: a loaded server's event loop
    }
  }, 10);
  return () => clearInterval(timer);
}

describe('memory housekeeping', () => {
  it('collects when idle, at most perIdleSpell times, and not while the loop is busy', async () => {
    const gc = vi.fn();
    const stop = startMemoryHousekeeping({ gc, intervalMs: 100, slackBytes: 0, perIdleSpell: 2 });
    try {
      await vi.waitFor(() => expect(gc).toHaveBeenCalledTimes(2), { timeout: 5_000, interval: 50 });
      // Idle on: the cap holds.
      await new Promise((r) => setTimeout(r, 400));
      expect(gc).toHaveBeenCalledTimes(2);
      // Busy: no collection, and the cap starts over once idle again.
      const idle = keepBusy();
      await new Promise((r) => setTimeout(r, 500));
      expect(gc).toHaveBeenCalledTimes(2);
      idle();
      await vi.waitFor(() => expect(gc).toHaveBeenCalledTimes(4), { timeout: 5_000, interval: 50 });
    } finally {
      stop();
    }
  });

  it('leaves a heap without slack alone', async () => {
    const gc = vi.fn();
    const stop = startMemoryHousekeeping({ gc, intervalMs: 50, slackBytes: Number.MAX_SAFE_INTEGER });
    await new Promise((r) => setTimeout(r, 400));
    stop();
    expect(gc).not.toHaveBeenCalled();
  });
});
