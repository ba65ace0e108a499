// How every desk screen hears about changes: one stream of small events (a ticket changed, a user wrote in a live
// conversation, someone opened a ticket). One instance: in process. Several behind a load balancer: through Redis
// pub/sub, so an agent connected to one instance sees what happened on another. Events carry ids and states, never
// a ticket's content: screens fetch what they show through the API, which checks who may see it.
import { EventEmitter } from 'node:events';

export type DeskEvent =
  /** A ticket was created or changed (its new version and state). */
  | {
      type: 'ticket';
      number: string;
      version: number;
      state: string;
      department: string | null;
      previousDepartment?: string | null;
      action: string;
      actor: string;
      at: string;
    }
  /** A live conversation (接管) started, changed hands, ended, or was not taken in time. */
  | { type: 'live'; kind: 'requested' | 'joined' | 'ended' | 'missed'; sessionId: string; ticketNumber: string | null; agentId: string | null; at: string }
  /** A message in a live conversation, from the user or an agent. */
  | {
      type: 'live_message';
      sessionId: string;
      ticketNumber: string | null;
      agentId: string | null;
      message: { id: string; sender: 'user' | 'agent'; authorName: string | null; text: string; at: string };
    }
  /** The user is typing in a live conversation. */
  | { type: 'live_typing'; sessionId: string; agentId: string | null; at: string }
  /** Someone opened (or left) a ticket; `until` is when the mark lapses without a heartbeat. */
  | { type: 'presence'; ticket: string; department: string | null; viewer: { id: string; name: string }; until: number };

export interface DeskHub {
  publish(event: DeskEvent): void;
  subscribe(listener: (event: DeskEvent) => void): () => void;
  close(): Promise<void>;
}

export class LocalDeskHub implements DeskHub {
  private readonly events = new EventEmitter().setMaxListeners(0);

  publish(event: DeskEvent): void {
    this.events.emit('event', event);
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
