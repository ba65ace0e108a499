import {
  ActionTypes,
  ActivityHandler,
  type CardAction,
  type ConversationState,
  MessageFactory,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import type { KnowledgeEntry, KnowledgePort, KnowledgeResult } from './knowledge-port.ts';
import { BROAD_WORDS, HUMAN, MENU, MENU_TOPICS, messages } from './messages.ts';

/** What the bot remembers between turns of one conversation. */
interface DialogMemory {
  /** Entry ids last offered as numbered choices, so "2" picks the second. */
  offered?: string[];
}

const MAX_QUESTION_CHARS = 500;
const GREETING = /^(你好|您好|hi|hello|在吗|在不在|菜单|主菜单|开始|帮助|help|\?|？)[!！。.~～]*$/i;
const HUMAN_REQUEST = /^(转人工|人工|人工服务|人工客服|找人工|客服)$/;
/** Small talk that deserves a courteous reply rather than "I can't answer that". */
const SMALL_TALK: ReadonlyArray<[RegExp, 'thanks' | 'identity' | 'goodbye']> = [
  [/^(谢谢|谢了|多谢|感谢|thanks?|thx)(你|您|啦|了)?[!！。.~～]*$/i, 'thanks'],
  [/^(你是谁|你是机器人吗|你是真人吗|是机器人吗|你叫什么)[?？!！。.]*$/i, 'identity'],
  [/^(再见|拜拜|bye|好的谢谢|没有了|没事了)[!！。.~～]*$/i, 'goodbye'],
];

/**
 * The Line One conversation: welcome and menu, knowledge answers, choices when unsure, a human
 * when it cannot help. Knows no channel: everything arrives and leaves as Activities.
 */
export class LineOneBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<DialogMemory>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly knowledge: KnowledgePort,
  ) {
    super();
    this.memory = conversationState.createProperty<DialogMemory>('dialog');
    this.onMembersAdded(async (context, next) => {
      const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
      if (newcomers.length > 0) await this.sendWelcome(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text = messageText(context);
    const memory = await this.memory.get(context, {});
    if (!text) return void (await context.sendActivity(messages.emptyInput));
    if (GREETING.test(text) || text === MENU) return this.sendMenu(context, messages.menu);
    if (HUMAN_REQUEST.test(text)) return void (await context.sendActivity(messages.human));
    const smallTalk = SMALL_TALK.find(([pattern]) => pattern.test(text));
    if (smallTalk) return void (await context.sendActivity(messages[smallTalk[1]]));
    const bare = text.replace(/[?？!！。.~～\s]+$/u, '').toLowerCase();
    if ((BROAD_WORDS as readonly string[]).includes(bare)) return this.sendMenu(context, messages.broad);
    const topic = MENU_TOPICS.find((t) => t.title === bare || t.category === bare || (t.words as readonly string[]).includes(bare));
    if (topic) return this.sendTopic(context, memory, topic.title, topic.category);
    const picked = pickOffered(text, memory.offered);
    const entry = picked && this.knowledge.entry(picked);
    if (entry) return this.sendAnswer(context, memory, entry);
    if (text.length > MAX_QUESTION_CHARS) await context.sendActivity(messages.tooLong);
    const result = await this.knowledge.search(text.slice(0, MAX_QUESTION_CHARS));
    await this.respond(context, memory, result);
  }

  private async respond(context: TurnContext, memory: DialogMemory, result: KnowledgeResult): Promise<void> {
    const best = result.hits[0] && this.knowledge.entry(result.hits[0].entryId);
    if (result.decision === 'answer' && best) return this.sendAnswer(context, memory, best);
    const choices = result.hits.slice(0, 3).flatMap((hit) => this.knowledge.entry(hit.entryId) ?? []);
    if (result.decision === 'clarify' && choices.length > 0) return this.sendChoices(context, memory, messages.clarify, choices);
    memory.offered = undefined;
    await context.sendActivity(MessageFactory.suggestedActions([HUMAN, MENU], messages.handoff));
  }

  private async sendAnswer(context: TurnContext, memory: DialogMemory, entry: KnowledgeEntry): Promise<void> {
    const related = entry.related.flatMap((id) => this.knowledge.entry(id) ?? []).slice(0, 3);
    memory.offered = related.map((r) => r.id);
    const parts = [`**${entry.question}**`, entry.answer.trim(), messages.basis(entry.basis)];
    if (entry.scope !== '全国') parts.push(messages.localNote);
    const reply = MessageFactory.suggestedActions(
      [...related.map((r) => questionButton(r)), HUMAN, MENU],
      parts.join('\n\n'),
    );
    reply.textFormat = 'markdown';
    await context.sendActivity(reply);
  }

  private async sendChoices(context: TurnContext, memory: DialogMemory, intro: string, entries: readonly KnowledgeEntry[]) {
    memory.offered = entries.map((e) => e.id);
    const lines = entries.map((e, i) => `${i + 1}. ${e.question}`);
    const reply = MessageFactory.suggestedActions([...entries.map((e) => questionButton(e)), HUMAN], [intro, ...lines].join('\n'));
    reply.textFormat = 'markdown';
    await context.sendActivity(reply);
  }

  private async sendTopic(context: TurnContext, memory: DialogMemory, title: string, category: string): Promise<void> {
    const entries = this.knowledge.byCategory(category).slice(0, 6);
    if (entries.length === 0) return void (await context.sendActivity(MessageFactory.suggestedActions([HUMAN, MENU], messages.topicEmpty(title))));
    await this.sendChoices(context, memory, messages.topicIntro(title), entries);
  }

  private async sendWelcome(context: TurnContext): Promise<void> {
    await this.sendMenu(context, messages.welcome);
  }

  private async sendMenu(context: TurnContext, text: string): Promise<void> {
    await context.sendActivity(MessageFactory.suggestedActions([...MENU_TOPICS.map((t) => t.title), HUMAN], text));
  }
}

function questionButton(entry: KnowledgeEntry): CardAction {
  return { type: ActionTypes.ImBack, title: entry.question, value: entry.question };
}

/** The user's words: typed text, or the text/value of a button they pressed. */
function messageText(context: TurnContext): string {
  const { text, value } = context.activity;
  const raw = typeof text === 'string' && text.trim() ? text : typeof value === 'string' ? value : '';
  return raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** "2" or "第2个" after a numbered list picks that entry. */
function pickOffered(text: string, offered: string[] | undefined): string | undefined {
  const match = /^(?:第)?\s*([1-9１-９])\s*(?:个|条|项)?$/.exec(text);
  if (!match?.[1] || !offered) return undefined;
  const n = Number(match[1].normalize('NFKC'));
  return offered[n - 1];
}
