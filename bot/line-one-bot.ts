import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { KnowledgePort } from './knowledge-port.ts';
import { type ConversationMemory, memoryAccessor } from './memory.ts';
import { messages } from './messages.ts';
import { botOwnsEverything, type ConversationOwnership } from './ownership.ts';
import { Replies } from './replies.ts';
import { routeTurn, type Step, type Turn } from './router.ts';
import { emptyStep, pickStep, smallTalkStep, topicStep } from './steps/intents.ts';
import { knowledgeStep } from './steps/knowledge.ts';
import { ownershipStep } from './steps/ownership.ts';

export interface LineOneBotOptions {
  conversationState: ConversationState;
  knowledge: KnowledgePort;
  ownership?: ConversationOwnership;
}

/**
 * The Line One conversation: welcome and menu, knowledge answers, choices when unsure, a human when it
 * cannot help. Knows no channel: everything arrives and leaves as Activities.
 */
export class LineOneBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly replies: Replies;
  private readonly steps: readonly Step[];
  private readonly conversationState: ConversationState;

  constructor(options: LineOneBotOptions) {
    super();
    const { knowledge } = options;
    this.conversationState = options.conversationState;
    this.memory = memoryAccessor(this.conversationState);
    this.replies = new Replies(knowledge);
    this.steps = [
      ownershipStep(options.ownership ?? botOwnsEverything),
      emptyStep(this.replies),
      pickStep(knowledge, this.replies),
      smallTalkStep(knowledge, this.replies),
      topicStep(knowledge, this.replies),
      knowledgeStep(knowledge, this.replies),
    ];
    this.onMembersAdded(async (context, next) => {
      const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
      if (newcomers.length > 0) await this.replies.menu(await this.turn(context), messages.welcome);
      await next();
    });
    this.onMessage(async (context, next) => {
      await routeTurn(this.steps, await this.turn(context));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }

  private async turn(context: TurnContext): Promise<Turn> {
    return { context, text: messageText(context), memory: await this.memory.get(context, {}) };
  }
}

/** The user's words: typed text, or the text/value of a button they pressed. */
function messageText(context: TurnContext): string {
  const { text, value } = context.activity;
  const raw = typeof text === 'string' && text.trim() ? text : typeof value === 'string' ? value : '';
  return raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
