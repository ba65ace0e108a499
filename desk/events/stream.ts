// The desk's live updates as Server-Sent Events: one stream per open page. Each event is filtered for its reader (a
// handler hears only its department's tickets; only staff hear live conversations) before it is written. A reader
// that falls far behind is cut off (the page reconnects and refetches), and every heartbeat re-checks the session
// without refreshing it, so a page left open still signs out when the session ends.
import type { Response } from 'restify';
import type { Logger } from '../../log/logger.ts';
import { can, type DeskUser, maySee } from '../auth/roles.ts';
import type { DeskEvent, DeskHub } from './hub.ts';
import type { Presence } from './presence.ts';

export interface StreamOptions {
  heartbeatMs: number;
  /** Bytes queued for one slow reader before it is disconnected. */
  maxBufferedBytes: number;
}

/** What a reader receives: the event, or for presence the ticket's current viewers. */
export type StreamMessage = Exclude<DeskEvent, { type: 'presence' }> | { type: 'presence'; ticket: string; viewers: { id: string; name: string }[] };

export function visibleTo(user: DeskUser, event: DeskEvent): boolean {
  switch (event.type) {
    case 'ticket':
      // A department hears about a ticket leaving it (returned, re-dispatched) too: its list must drop it.
      return (
        maySee(user, event.department) ||
        (event.previousDepartment !== undefined && event.previousDepartment !== null && maySee(user, event.previousDepartment))
      );
    case 'presence':
      return maySee(user, event.department);
    case 'live':
    case 'live_message':
    case 'live_typing':
      return can(user, 'live');
  }
}

export class DeskStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly hub: DeskHub,
    private readonly presence: Presence,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly options: StreamOptions,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Serves one stream until the reader leaves, falls behind, or `stillValid` says the session is over. */
  serve(res: Response, user: DeskUser, stillValid: () => Promise<boolean>): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells nginx not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n: ${' '.repeat(2048)}\n\n`); // padding: some proxies hold the first bytes back
    const write = (message: StreamMessage | { type: 'signed_out' } | { type: 'hello' }) => {
      if (res.writableLength > this.options.maxBufferedBytes) {
        this.log.warn({ account: user.id, buffered: res.writableLength }, 'desk: event stream reader too slow; disconnecting');
        end();
        return;
      }
      res.write(`data: ${JSON.stringify(message)}\n\n`);
    };
    const unsubscribe = this.hub.subscribe((event) => {
      if (!visibleTo(user, event)) return;
      if (event.type === 'presence') write({ type: 'presence', ticket: event.ticket, viewers: this.presence.viewers(event.ticket) });
      else write(event);
    });
    const heartbeat = setInterval(() => {
      void stillValid().then(
        (valid) => {
          if (valid) res.write(': ping\n\n');
          else {
            write({ type: 'signed_out' });
            end();
          }
        },
        () => undefined,
      );
    }, this.options.heartbeatMs);
    heartbeat.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(end);
      res.end();
    };
    this.open.add(end);
    res.once('close', end);
    write({ type: 'hello' });
  }

  /** Ends every stream (shutdown): pages reconnect to another instance. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
