import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { lazyDialogs } from './dialogs/load.ts';
import type { KnowledgePort } from './knowledge-port.ts';
import { type ConversationMemory, memoryAccessor, remember } from './memory.ts';
import { messages } from './messages.ts';
import { type Notice, renderNotice } from './notices.ts';
import { botOwnsEverything, type ConversationOwnership } from './ownership.ts';
import { Replies } from './replies.ts';
import { routeTurn, type Step, type Turn } from './router.ts';
import { emptyStep, pickStep, smallTalkStep, topicStep } from './steps/intents.ts';
import { knowledgeStep } from './steps/knowledge.ts';
import { ownershipStep } from './steps/ownership.ts';
import { dialogStep, feedbackStep, registerStep, statusStep, surveyStep } from './steps/tickets.ts';
import type { TicketPort } from './ticket-port.ts';
import { recordNothing, type TurnRecorder } from './turn-recorder.ts';

export interface LineOneBotOptions {
  conversationState: ConversationState;
  knowledge: KnowledgePort;
  tickets: TicketPort;
  ownership?: ConversationOwnership;
  recorder?: TurnRecorder;
}

/**
 * The Line One conversation: welcome and menu, knowledge answers, choices when unsure, a ticket when it cannot
 * help, the ticket's progress afterwards. Knows no channel: everything arrives and leaves as Activities.
 */
export class LineOneBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly replies: Replies;
  private readonly steps: readonly Step[];
  private readonly conversationState: ConversationState;

  constructor(options: LineOneBotOptions) {
    super();
    const { knowledge, tickets } = options;
    const recorder = options.recorder ?? recordNothing;
    this.conversationState = options.conversationState;
    this.memory = memoryAccessor(this.conversationState);
    this.replies = new Replies(knowledge);
    const dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    const dialogs = lazyDialogs(dialogState, tickets, this.memory);
    this.steps = [
      ownershipStep(options.ownership ?? botOwnsEverything),
      dialogStep(dialogs, dialogState),
      emptyStep(this.replies),
      pickStep(knowledge, this.replies, recorder),
      surveyStep(tickets, this.replies),
      statusStep(tickets, this.replies),
      feedbackStep(tickets, this.replies, recorder),
      registerStep(dialogs),
      smallTalkStep(knowledge, dialogs, this.replies),
      topicStep(knowledge, this.replies),
      knowledgeStep(knowledge, tickets, dialogs, this.replies, recorder),
    ];
    this.onMembersAdded(async (context, next) => {
      const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
      if (newcomers.length > 0) await this.replies.menu(await this.turn(context), messages.welcome);
      await next();
    });
    this.onMessage(async (context, next) => {
      const turn = await this.turn(context);
      remember(turn.memory, 'user', turn.text);
      await routeTurn(this.steps, turn);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const memory = await this.memory.get(context, {});
    // Everything the bot says goes into the transcript a ticket raised later will carry.
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) if (a.type === 'message' && a.text) remember(memory, 'bot', a.text);
      return next();
    });
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }

  /**
   * A message outside a turn (a ticket update, an agent's reply) into a stored conversation: the adapter's
   * continueConversation runs this, so the conversation's state is at hand (e.g. the satisfaction question).
   */
  async notify(context: TurnContext, notice: Notice): Promise<void> {
    const memory = await this.memory.get(context, {});
    for (const activity of renderNotice(notice, memory)) await context.sendActivity(activity);
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
