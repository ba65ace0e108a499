import { ActionTypes, type Activity, type CardAction, MessageFactory } from 'botbuilder';
import type { KnowledgeEntry, KnowledgePort } from './knowledge-port.ts';
import type { ConversationMemory, Offer } from './memory.ts';
import { HUMAN, MENU, messages, NOT_RESOLVED, REGISTER, RESOLVED } from './messages.ts';
import type { TicketPort } from './ticket-port.ts';
import type { Turn } from './router.ts';

/**
 * Everything the bot says, as Activities. Whatever is offered as buttons is also remembered in order, so a
 * digit picks it on channels that show buttons as numbered lines (WeChat) as well as on web chat.
 */
export class Replies {
  constructor(private readonly knowledge: KnowledgePort) {}

  /**
   * An entry's answer with its policy basis. `neighbours`: entries close to the question that the user may have
   * meant instead (offered as 您可能还想问); without them, the entry's own related questions are offered.
   */
  async answer(turn: Turn, entry: KnowledgeEntry, neighbours: readonly KnowledgeEntry[] = []): Promise<void> {
    turn.memory.lastEntryId = entry.id;
    turn.memory.lastEntryRead = true;
    const close = neighbours.filter((n) => n.id !== entry.id).slice(0, 3);
    const offered = close.length > 0 ? close : entry.related.flatMap((id) => this.knowledge.entry(id) ?? []).slice(0, 3);
    const parts = [`**${entry.question}**`, entry.answer.trim(), messages.basis(entry.basis)];
    if (entry.scope !== '全国') parts.push(messages.localNote);
    if (close.length > 0) parts.push(messages.related);
    await this.send(turn, parts.join('\n\n'), [...offered.map(entryOffer), plain(RESOLVED), plain(NOT_RESOLVED), plain(MENU)], 'markdown');
  }

  /** The lines of the answer just given that speak to a follow-up on it, with the whole answer a tap away. */
  async passages(turn: Turn, entry: KnowledgeEntry, lines: readonly string[]): Promise<void> {
    turn.memory.lastEntryId = entry.id;
    turn.memory.lastEntryRead = true;
    const text = [messages.passagesIntro(entry.question), lines.map((line) => `- ${line}`).join('\n'), messages.passagesOutro].join('\n\n');
    const whole: Offer = { title: messages.wholeAnswer, value: entry.question, entryId: entry.id };
    await this.send(turn, text, [whole, plain(RESOLVED), plain(NOT_RESOLVED), plain(MENU)], 'markdown');
  }

  async choices(turn: Turn, intro: string, entries: readonly KnowledgeEntry[]): Promise<void> {
    const lines = entries.map((e, i) => `${i + 1}. ${e.question}`);
    await this.send(turn, [intro, ...lines].join('\n'), [...entries.map(entryOffer), plain(HUMAN)], 'markdown');
  }

  async topic(turn: Turn, title: string, category: string): Promise<void> {
    const entries = this.knowledge.byCategory(category).slice(0, 6);
    if (entries.length === 0) return this.send(turn, messages.topicEmpty(title), [plain(HUMAN), plain(MENU)]);
    await this.choices(turn, messages.topicIntro(title), entries);
  }

  async menu(turn: Turn, text: string): Promise<void> {
    await this.send(turn, text, [...this.knowledge.menu().topics.map((t) => plain(t.title)), plain(HUMAN)]);
  }

  /** An elliptical question with nothing to read it against: ask what it is about, with the menu. */
  async needsContext(turn: Turn): Promise<void> {
    await this.menu(turn, messages.needsContext);
  }

  /** Offers to register a ticket, saying who would handle it and by when. */
  async offerTicket(turn: Turn, tickets: TicketPort, reason: string, request: string, lead?: string): Promise<void> {
    turn.memory.escalation = { reason, request };
    const outlook = await tickets.outlook(request);
    const text = [lead, messages.offerTicket(outlook)].filter(Boolean).join('\n\n');
    await this.send(turn, text, [plain(REGISTER), plain(MENU)]);
  }

  /**
   * "没看懂" about the last answer: ask which part (a follow-up on it quotes the lines that speak to it), with the
   * whole answer and a person a tap away; without a last answer, ask for the question in other words.
   */
  async unclear(turn: Turn, last: KnowledgeEntry | undefined): Promise<void> {
    if (!last) return this.send(turn, messages.unclearNothing, [plain(HUMAN), plain(MENU)]);
    const whole: Offer = { title: messages.wholeAnswer, value: last.question, entryId: last.id };
    await this.send(turn, messages.unclear(last.question), [whole, plain(HUMAN), plain(MENU)]);
  }

  /** A question with buttons (remembered for digit picks). */
  async ask(turn: Turn, text: string, buttons: string[]): Promise<void> {
    await this.send(turn, text, buttons.map(plain));
  }

  /** Plain text; the options offered before stay pickable by number. */
  async say(turn: Turn, text: string): Promise<void> {
    await turn.context.sendActivity(MessageFactory.text(text));
  }

  private async send(turn: Turn, text: string, offers: Offer[], textFormat?: 'markdown'): Promise<void> {
    await turn.context.sendActivity(offering(turn.memory, text, offers, textFormat));
  }
}

/**
 * A message with buttons, the buttons remembered as the conversation's current offers (a digit picks one).
 * Dialog prompts build their questions with it too.
 */
export function offering(memory: ConversationMemory, text: string, offers: Offer[], textFormat?: 'markdown'): Partial<Activity> {
  memory.offered = offers;
  const reply: Partial<Activity> = offers.length > 0 ? MessageFactory.suggestedActions(offers.map(button), text) : MessageFactory.text(text);
  if (textFormat) reply.textFormat = textFormat;
  return reply;
}

export const plain = (title: string): Offer => ({ title, value: title });
const entryOffer = (entry: KnowledgeEntry): Offer => ({ title: entry.question, value: entry.question, entryId: entry.id });
const button = (offer: Offer): CardAction => ({ type: ActionTypes.ImBack, title: offer.title, value: offer.value });
