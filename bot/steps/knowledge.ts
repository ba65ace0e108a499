import type { LoadDialogs } from '../dialogs/load.ts';
import type { HandoffReason, KnowledgePort } from '../knowledge-port.ts';
import { messages } from '../messages.ts';
import type { Replies } from '../replies.ts';
import type { Step } from '../router.ts';
import type { TicketPort } from '../ticket-port.ts';
import { openUnitOf } from '../../storage/unit-of-work.ts';
import type { TurnRecord, TurnRecorder } from '../turn-recorder.ts';
import { startIntake } from './tickets.ts';

const MAX_QUESTION_CHARS = 500;
/** What only a person can take on: the bot starts registering a ticket at once. */
const NEEDS_A_PERSON: ReadonlySet<HandoffReason> = new Set(['human_request', 'complaint', 'urgent', 'personal_case', 'personal_data']);

/**
 * The last step: search the knowledge base and answer, offer choices, or hand over: a complaint or a request for
 * a person goes straight to the ticket intake; anything the bot cannot answer gets the offer of a ticket.
 */
export function knowledgeStep(knowledge: KnowledgePort, tickets: TicketPort, dialogs: LoadDialogs, replies: Replies, recorder: TurnRecorder): Step {
  return async (turn) => {
    if (turn.text.length > MAX_QUESTION_CHARS) await replies.say(turn, messages.tooLong);
    const question = turn.text.slice(0, MAX_QUESTION_CHARS);
    turn.memory.lastQuestion = question;
    const { channelId, conversation } = turn.context.activity;
    const record = (r: Omit<TurnRecord, 'channelId' | 'conversationId' | 'question'>) =>
      recorder.record({ channelId, conversationId: conversation.id, question, ...r }, openUnitOf(turn.context.turnState));
    const lastEntryId = turn.memory.lastEntryId;
    // "刚才的答复…" only about an answer the user was shown, not a choice they were offered and did not pick.
    const lastRead = lastEntryId !== undefined && turn.memory.lastEntryRead === true;
    const topic = turn.memory.lastTopic;
    turn.memory.lastTopic = undefined;
    let result = await knowledge.search(question, { lastEntryId });
    // Right after a topic's list (失业金 → 怎么领), a question with no subject of its own is about that topic.
    if (result.needsContext && topic) result = await knowledge.search(`${topic} ${question}`);
    turn.memory.clarifiedTurnId = undefined; // a new question: earlier choices no longer label anything
    if (result.needsContext) {
      await record({ outcome: 'needs_context' });
      await replies.needsContext(turn);
      return true;
    }
    const best = result.hits[0] && knowledge.entry(result.hits[0].entryId);
    if (result.decision === 'answer' && best) {
      turn.memory.misses = 0;
      turn.memory.lastTurnId = await record({ outcome: 'answered', entryId: best.id, topic: best.category });
      // The user has just read this answer and asks about a part of it: quote that part, not the whole again.
      if (result.passages && best.id === lastEntryId && lastRead) {
        await replies.passages(turn, best, result.passages);
        return true;
      }
      const neighbours = result.hits.slice(1).flatMap((hit) => knowledge.entry(hit.entryId) ?? []);
      await replies.answer(turn, best, neighbours);
      return true;
    }
    const choices = result.hits.slice(0, 3).flatMap((hit) => knowledge.entry(hit.entryId) ?? []);
    const read = result.notInLastAnswer && lastRead ? knowledge.entry(lastEntryId) : undefined;
    if (result.decision === 'clarify' && read) {
      // The user has just read that entry and it does not say: it is not offered again; the others are, or a ticket.
      const others = choices.filter((entry) => entry.id !== read.id);
      const lead = messages.notInLastAnswer(read.question);
      if (others.length > 0) {
        turn.memory.clarifiedTurnId = await record({ outcome: 'clarified', topic: read.category });
        await replies.choices(turn, `${lead}${messages.notInLastChoices}`, others);
      } else {
        await record({ outcome: 'handed_over', reason: 'low_confidence', topic: read.category });
        await replies.offerTicket(turn, tickets, 'low_confidence', question, lead);
      }
      return true;
    }
    if (result.decision === 'clarify' && choices.length > 0) {
      turn.memory.clarifiedTurnId = await record({ outcome: 'clarified', topic: choices[0]?.category });
      // The choices share the question's topic: a short follow-up ("多少钱", "要多久拿到") is read against the first.
      turn.memory.lastEntryId = choices[0]?.id;
      turn.memory.lastEntryRead = false;
      await replies.choices(turn, result.alsoDepartment ? messages.clarifyBesides(result.alsoDepartment) : messages.clarify, choices);
      return true;
    }
    await record({ outcome: 'handed_over', reason: result.reason ?? 'low_confidence', topic: result.department });
    if (result.reason && NEEDS_A_PERSON.has(result.reason)) {
      await startIntake(turn, dialogs, { request: question, reason: result.reason });
      return true;
    }
    turn.memory.misses = (turn.memory.misses ?? 0) + 1;
    const lead =
      result.reason === 'out_of_scope' && result.department
        ? messages.outOfScope(result.department)
        : turn.memory.misses > 1
          ? messages.handoffAgain
          : messages.handoff;
    await replies.offerTicket(turn, tickets, result.reason ?? 'low_confidence', question, lead);
    return true;
  };
}
