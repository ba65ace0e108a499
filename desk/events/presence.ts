// Who has which ticket open, across instances: every instance hears every presence mark through the hub and keeps
// the same map. A mark lapses at its `until` unless the page renews it (a heartbeat), so a closed laptop disappears.
import type { DeskHub } from './hub.ts';

export interface Viewer {
  id: string;
  name: string;
}

export class Presence {
  private readonly byTicket = new Map<string, Map<string, { name: string; until: number }>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly hub: DeskHub,
    private readonly clock: () => number = Date.now,
  ) {
    // Subscribed before any stream, so the map is up to date when a stream relays the same event.
    this.unsubscribe = hub.subscribe((event) => {
      if (event.type !== 'presence') return;
      const viewers = this.byTicket.get(event.ticket) ?? new Map<string, { name: string; until: number }>();
      if (event.until > this.clock()) viewers.set(event.viewer.id, { name: event.viewer.name, until: event.until });
      else viewers.delete(event.viewer.id);
      if (viewers.size > 0) this.byTicket.set(event.ticket, viewers);
      else this.byTicket.delete(event.ticket);
    });
  }

  announce(ticket: string, department: string | null, viewer: Viewer, ttlMs: number): void {
    this.hub.publish({ type: 'presence', ticket, department, viewer, until: this.clock() + ttlMs });
  }

  leave(ticket: string, department: string | null, viewer: Viewer): void {
    this.hub.publish({ type: 'presence', ticket, department, viewer, until: 0 });
  }

  /** Everyone whose mark on the ticket has not lapsed. */
  viewers(ticket: string): Viewer[] {
    const now = this.clock();
    const viewers = this.byTicket.get(ticket);
    if (!viewers) return [];
    for (const [id, v] of viewers) if (v.until <= now) viewers.delete(id);
    if (viewers.size === 0) this.byTicket.delete(ticket);
    return [...viewers].map(([id, v]) => ({ id, name: v.name }));
  }

  close(): void {
    this.unsubscribe();
  }
}
