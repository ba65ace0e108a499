import type { Activity } from 'botbuilder';
import type { ConversationMemory } from './memory.ts';
import { messages, RATINGS } from './messages.ts';
import { offering, plain } from './replies.ts';

/**
 * What the bot may have to tell a user outside a turn, as data (the outbox stores it; the bot renders it in the
 * user's conversation, on whatever channel that is).
 */
export type Notice =
  | { kind: 'dispatched'; number: string; department: string; due: string }
  | { kind: 'answered'; number: string; department: string; reply: string }
  | { kind: 'extended'; number: string; due: string }
  | { kind: 'resolved'; number: string; reply?: string }
  | { kind: 'reopened'; number: string; due: string }
  | { kind: 'merged'; number: string; into: string }
  /** A person at the desk writing to the user. */
  | { kind: 'agent'; text: string }
  /** A person took the conversation live (接管): the bot stays silent until they leave. */
  | { kind: 'agent_joined'; name?: string }
  | { kind: 'agent_left' }
  /** Nobody could take a live request in time: the ticket stands and is followed up. */
  | { kind: 'no_agent'; number?: string }
  /** Replies of an earlier turn the channel could not deliver then. */
  | { kind: 'texts'; texts: string[] };

export function renderNotice(notice: Notice, memory: ConversationMemory): Partial<Activity>[] {
  const text = (t: string): Partial<Activity> => ({ type: 'message', text: t });
  switch (notice.kind) {
    case 'dispatched':
      return [text(messages.notices.dispatched(notice))];
    case 'answered':
      return [text(messages.notices.answered(notice))];
    case 'extended':
      return [text(messages.notices.extended(notice))];
    case 'resolved':
      // The satisfaction question: the next answer is read as the rating of this ticket.
      memory.survey = { number: notice.number };
      return [offering(memory, messages.notices.resolved(notice), RATINGS.map(plain))];
    case 'reopened':
      return [text(messages.notices.reopened(notice))];
    case 'merged':
      return [text(messages.notices.merged(notice))];
    case 'agent':
      return [text(messages.notices.agent(notice.text))];
    case 'agent_joined':
      return [text(messages.notices.agentJoined(notice.name))];
    case 'agent_left':
      return [text(messages.notices.agentLeft)];
    case 'no_agent':
      return [text(messages.notices.noAgent(notice.number))];
    case 'texts':
      return notice.texts.map(text);
  }
}
