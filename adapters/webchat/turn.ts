import type { Activity, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import { attachUnitOfWork, openUnitOf, type PendingWrite, type UnitOfWork } from '../../storage/unit-of-work.ts';
import type { ActivityBatch, ConversationHub } from './hub.ts';
import type { ConversationStore } from './store.ts';

/**
 * A conversation's activities written during one turn: the user's message and the bot's replies. They are stored
 * together when the turn's unit of work commits (with the conversation state), then pushed to open streams.
 */
class PendingActivities implements PendingWrite {
  private readonly activities: Partial<Activity>[] = [];
  private batch: ActivityBatch | undefined;

  constructor(
    private readonly store: ConversationStore,
    private readonly hub: ConversationHub,
    private readonly conversationId: string,
  ) {}

  add(activities: Partial<Activity>[]): void {
    this.activities.push(...activities);
  }

  async write(trx: Kysely<any>): Promise<void> {
    this.batch = await this.store.appendIn(trx, this.conversationId, this.activities);
  }

  afterCommit(): void {
    if (this.batch) this.hub.publish(this.conversationId, this.batch);
  }
}

/** Commits a unit of work (app/ decides how: one transaction now, or grouped with others). */
export type Commit = (unit: UnitOfWork) => Promise<void>;

/** Runs one turn of a conversation: what it writes is committed at the end, in one transaction. */
export class DirectLineTurns {
  constructor(
    private readonly store: ConversationStore,
    private readonly hub: ConversationHub,
    private readonly commit: Commit,
  ) {}

  /**
   * `first`: activities stored before the bot's replies (the user's message); `run`: the bot's turn, whose logic
   * must attach `unit` to its context (see `inTurn`).
   */
  async run(unit: UnitOfWork, conversationId: string, first: Partial<Activity>[], run: () => Promise<void>): Promise<void> {
    this.pending(unit, conversationId).add(first);
    await run();
    await this.commit(unit);
  }

  /** The bot's logic for a turn of `unit`: the stores it writes through, and its replies, join the unit. */
  inTurn(unit: UnitOfWork, logic: (context: TurnContext) => Promise<void>): (context: TurnContext) => Promise<void> {
    return (context) => {
      attachUnitOfWork(context.turnState, unit);
      return logic(context);
    };
  }

  /**
   * The bot's replies: inside a turn they join the turn's writes (their ids are assigned at commit); outside one
   * (a proactive message) they are stored and pushed at once.
   */
  async deliver(conversationId: string, activities: Partial<Activity>[], context?: TurnContext): Promise<Array<{ id: string }>> {
    const unit = openUnitOf(context?.turnState);
    if (unit) {
      this.pending(unit, conversationId).add(activities);
      return activities.map(() => ({ id: '' }));
    }
    const batch = await this.store.append(conversationId, activities);
    this.hub.publish(conversationId, batch);
    return batch.activities.map((a) => ({ id: a.id ?? '' }));
  }

  private pending(unit: UnitOfWork, conversationId: string): PendingActivities {
    return unit.part(`directline:${conversationId}`, () => new PendingActivities(this.store, this.hub, conversationId));
  }
}
