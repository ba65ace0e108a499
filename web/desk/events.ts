// The page's live updates: one EventSource on /api/desk/events. Ticket changes bump a counter the queue and the
// open ticket watch; live-conversation events go to the live pages; presence fills the viewers of each ticket.
// EventSource reconnects by itself; after a reconnect everything refetches (events may have been missed).
import { lastTicketEvent, liveChanged, liveMessage, liveTyping, streamOnline, ticketsChanged, viewers } from './state.ts';

let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;

export function connectEvents(onSignedOut: () => void): void {
  disconnectEvents();
  source = new EventSource('/api/desk/events');
  source.onopen = () => {
    streamOnline.value = true;
    ticketsChanged.value++;
    liveChanged.value++;
  };
  source.onerror = () => {
    streamOnline.value = false;
    // A refused stream (signed out) is CLOSED and not retried by the browser: try again a little later.
    if (source?.readyState === EventSource.CLOSED) retry = setTimeout(() => connectEvents(onSignedOut), 5000);
  };
  source.onmessage = (e) => {
    let event: any;
    try {
      event = JSON.parse(e.data as string);
    } catch {
      return;
    }
    switch (event.type) {
      case 'ticket':
        lastTicketEvent.value = { number: event.number, version: event.version, actor: event.actor };
        ticketsChanged.value++;
        break;
      case 'live':
        liveChanged.value++;
        break;
      case 'live_message':
        liveMessage.value = { sessionId: event.sessionId, message: event.message };
        liveChanged.value++;
        break;
      case 'live_typing':
        liveTyping.value = { sessionId: event.sessionId, at: Date.now() };
        break;
      case 'presence':
        viewers.value = { ...viewers.value, [event.ticket]: event.viewers };
        break;
      case 'signed_out':
        disconnectEvents();
        onSignedOut();
        break;
    }
  };
}

export function disconnectEvents(): void {
  clearTimeout(retry);
  source?.close();
  source = null;
  streamOnline.value = false;
}
