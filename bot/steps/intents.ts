import type { LoadDialogs } from '../dialogs/load.ts';
import type { KnowledgeEntry, KnowledgePort } from '../knowledge-port.ts';
import { startIntake } from './tickets.ts';
import { messages } from '../messages.ts';
import type { Replies } from '../replies.ts';
import type { Step, Turn } from '../router.ts';
import type { TurnRecorder } from '../turn-recorder.ts';
import { openUnitOf } from '../../storage/unit-of-work.ts';

/** An empty message (only spaces, or a button without a value) gets a hint. */
export function emptyStep(replies: Replies): Step {
  return async (turn) => {
    if (turn.text) return false;
    await replies.say(turn, messages.emptyInput);
    return true;
  };
}

const DIGIT_PICK = /^(?:第)?\s*([1-9１-９])\s*(?:个|条|项)?$/;

/**
 * "2", "第2个" or the exact text of an offered button picks it. An entry is answered directly; any other
 * option (转人工, 主菜单, a topic) continues through the pipeline as if the user had typed it.
 */
export function pickStep(knowledge: KnowledgePort, replies: Replies, recorder: TurnRecorder): Step {
  return async (turn) => {
    const offered = turn.memory.offered ?? [];
    const digit = DIGIT_PICK.exec(turn.text)?.[1];
    const picked = digit ? offered[Number(digit.normalize('NFKC')) - 1] : offered.find((o) => o.value === turn.text && o.entryId);
    if (!picked) return false;
    const entry = picked.entryId ? knowledge.entry(picked.entryId) : undefined;
    if (entry) {
      // Picked from the choices offered for a question: that question is now labelled, and a vote is about it.
      const clarified = turn.memory.clarifiedTurnId;
      if (clarified) {
        turn.memory.clarifiedTurnId = undefined;
        await recorder.picked(clarified, entry.id, openUnitOf(turn.context.turnState));
      }
      await replies.answer(turn, entry);
      if (clarified) turn.memory.lastTurnId = clarified;
      return true;
    }
    turn.text = picked.value;
    return false;
  };
}

/**
 * Greetings, thanks, goodbyes, "are you a robot" and requests for a person, in one vocabulary (knowledge triage).
 * A person is reached through a ticket: the intake starts with the last question the user asked.
 */
export function smallTalkStep(knowledge: KnowledgePort, dialogs: LoadDialogs, replies: Replies): Step {
  return async (turn) => {
    const triage = knowledge.classify(turn.text);
    if (triage.kind === 'question') return false;
    if (triage.kind === 'human')
      await startIntake(turn, dialogs, { request: humanRequestText(turn.text) ?? turn.memory.lastQuestion ?? '', reason: 'human_request' });
    else if (triage.act === 'greeting') await replies.menu(turn, messages.menu);
    else if (triage.act === 'chat') await replies.menu(turn, messages.stillHere);
    else if (triage.act === 'unclear') await replies.unclear(turn, lastEntry(knowledge, turn));
    else if (triage.act === 'repeat') await repeat(turn, knowledge, replies);
    else await replies.say(turn, messages[triage.act]);
    return true;
  };
}

/** The entry whose answer the user was last shown (not one only offered among choices), if the KB still has it. */
function lastEntry(knowledge: KnowledgePort, turn: Turn): KnowledgeEntry | undefined {
  return turn.memory.lastEntryId && turn.memory.lastEntryRead ? knowledge.entry(turn.memory.lastEntryId) : undefined;
}

/** "再说一遍": the last answer again, whole; after choices, the choices again; with neither, the menu. */
async function repeat(turn: Turn, knowledge: KnowledgePort, replies: Replies): Promise<void> {
  const last = lastEntry(knowledge, turn);
  const offered = (turn.memory.offered ?? []).flatMap((o) => (o.entryId ? (knowledge.entry(o.entryId) ?? []) : []));
  if (last) await replies.answer(turn, last);
  else if (offered.length > 0) await replies.choices(turn, messages.clarify, offered);
  else await replies.menu(turn, messages.nothingToRepeat);
}

/** A bare topic word (医保, 公积金) lists that topic's questions; a word too broad for one topic (社保) gets the menu. */
export function topicStep(knowledge: KnowledgePort, replies: Replies): Step {
  return async (turn) => {
    const bare = turn.text.replace(/[?？!！。.~～\s]+$/u, '').toLowerCase();
    const menu = knowledge.menu();
    if (menu.broad.includes(bare)) {
      await replies.menu(turn, messages.broad);
      return true;
    }
    const topic = menu.topics.find((t) => t.title === bare || t.category === bare || t.words.includes(bare));
    if (!topic) return false;
    // The conversation is about this topic now: "怎么领" after 失业金's list is about 失业金, not the entry read before.
    turn.memory.lastEntryId = undefined;
    turn.memory.lastTopic = bare;
    await replies.topic(turn, topic.title, topic.category);
    return true;
  };
}

/** "我要找人工问下社保断缴" carries its own question; "转人工" alone does not. */
function humanRequestText(text: string): string | undefined {
  const rest = text
    .replace(/(我要|我想|帮我|请|麻烦)?(转|找|要|接|叫)?(人工客服|人工服务|人工|真人客服|真人|客服)(问问|问下|问一下|咨询一下|咨询)?/g, '')
    .replace(/^[，,。.！!？?\s]+|[，,。.！!？?\s]+$/g, '');
  return rest.length >= 4 ? text : undefined;
}
