import type { Bot } from '../bot/create-bot.ts';
import type { Notice } from '../bot/notices.ts';
import type { ChannelRegistry } from '../adapters/registry.ts';
import type { Logger } from '../log/logger.ts';
import { OutboxSender } from '../outbox/sender.ts';
import { enqueueOutboxMessage, type OutboxStore } from '../outbox/store.ts';
import type { TicketNotice, TicketNotices } from '../tickets/notices.ts';
import { formatDueTime } from '../tickets/sla/format.ts';

/** A ticket change the user must hear about, as the bot's notice (the bot renders the Chinese text). */
export function noticeOf(n: TicketNotice, now = new Date()): Notice {
  const due = (at: string) => formatDueTime(at, now);
  switch (n.kind) {
    case 'dispatched':
      return { kind: 'dispatched', number: n.ticketNumber, department: n.departmentName, due: due(n.dueAt) };
    case 'answered':
      return { kind: 'answered', number: n.ticketNumber, department: n.departmentName ?? '12345 热线', reply: n.reply };
    case 'extension_approved':
      return { kind: 'extended', number: n.ticketNumber, due: due(n.dueAt) };
    case 'resolved':
      return { kind: 'resolved', number: n.ticketNumber, reply: n.reply };
    case 'reopened':
      return { kind: 'reopened', number: n.ticketNumber, due: due(n.dueAt) };
    case 'merged':
      return { kind: 'merged', number: n.ticketNumber, into: n.into };
  }
}

/**
 * The tickets' notices port over the outbox: each notice is written in the ticket change's own transaction, so a
 * change that rolls back leaves nothing to send and a committed change always has its message stored.
 */
export function outboxNotices(written: () => void): TicketNotices {
  return {
    async enqueue(trx, to, notice) {
      const payload: Notice = noticeOf(notice);
      await enqueueOutboxMessage(trx, { channelId: to.channelId, userKey: `${to.channelId}:${to.userId}`, reference: to.conversationRef, payload });
      written();
    },
  };
}

/** Sends the outbox through whichever channel each message's conversation is on; the bot renders it there. */
export function outboxSender(store: OutboxStore, channels: ChannelRegistry, bot: Bot, log: Logger, pollMs: number): OutboxSender {
  return new OutboxSender(
    store,
    (message) => channels.continueConversation(message.reference, (context) => bot.notify(context, message.payload as Notice)),
    log,
    { pollMs, batchSize: 20, leaseMs: 30_000, maxAttempts: 12, retryBaseMs: 1_000, retryMaxMs: 10 * 60_000 },
  );
}
