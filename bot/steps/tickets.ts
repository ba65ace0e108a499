import type { StatePropertyAccessor } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { INTAKE_DIALOG, type IntakeOptions } from '../dialogs/intake-options.ts';
import type { LoadDialogs } from '../dialogs/load.ts';
import { requesterOf } from '../requester.ts';
import { MENU, messages, NOT_RESOLVED, RATINGS, REGISTER, RESOLVED, SKIP } from '../messages.ts';
import { plain, type Replies } from '../replies.ts';
import type { Step, Turn } from '../router.ts';
import type { Rating, TicketPort, TicketView } from '../ticket-port.ts';
import type { TurnRecorder } from '../turn-recorder.ts';
import { openUnitOf } from '../../storage/unit-of-work.ts';

/** A ticket number as people type it: QY20261130-0042 (any case, spaces or a missing dash forgiven). */
const TICKET_NUMBER = /\b[Qq][Yy]\s*(\d{8})\s*-?\s*(\d{4})\b/;
const STATUS_WORDS = /^(查询工单|查工单|我的工单|工单进度|工单查询|查进度|查询进度)[?？。.!！]*$/;
const MOBILE = /^\+?(?:86)?1\d{10}$/;
const MAX_FAILED_LOOKUPS = 5;

/** While the intake (or another dialog) is open, the user's words go to it. */
export function dialogStep(dialogs: LoadDialogs, dialogState: StatePropertyAccessor<DialogState>): Step {
  return async (turn) => {
    // Most turns have no dialog open: look at the stored stack before building a dialog context.
    if (!(await dialogState.get(turn.context))?.dialogStack?.length) return false;
    const dc = await (await dialogs()).createContext(turn.context);
    if (!dc.activeDialog) return false;
    // A digit answers the prompt's N-th button, on channels that show buttons as numbered lines.
    const digit = /^([1-9１-９])$/.exec(turn.text)?.[1];
    const offer = digit ? turn.memory.offered?.[Number(digit.normalize('NFKC')) - 1] : undefined;
    if (offer) turn.context.activity.text = offer.value;
    await dc.continueDialog();
    return true;
  };
}

/** Starts registering a ticket for what the user asked. */
export async function startIntake(turn: Turn, dialogs: LoadDialogs, options: IntakeOptions): Promise<void> {
  const intro = messages.startIntake[options.reason] ?? messages.startIntake.default;
  if (intro) await turn.context.sendActivity(intro);
  const dc = await (await dialogs()).createContext(turn.context);
  await dc.beginDialog(INTAKE_DIALOG, { ...options, transcript: [...(turn.memory.recent ?? [])] });
}

/** "登记工单" (the offer's button) starts the intake with the question the offer was about. */
export function registerStep(dialogs: LoadDialogs): Step {
  return async (turn) => {
    if (turn.text !== REGISTER) return false;
    const pending = turn.memory.escalation;
    turn.memory.escalation = undefined;
    await startIntake(turn, dialogs, { request: pending?.request ?? turn.memory.lastQuestion ?? '', reason: pending?.reason ?? 'user_request' });
    return true;
  };
}

/** 解决了 / 没解决 after an answer: recorded with that turn; thanks, or the offer of a ticket with the question filled in. */
export function feedbackStep(tickets: TicketPort, replies: Replies, recorder: TurnRecorder): Step {
  return async (turn) => {
    if (turn.text !== RESOLVED && turn.text !== NOT_RESOLVED) return false;
    if (turn.memory.lastTurnId)
      await recorder.vote(turn.memory.lastTurnId, turn.text === RESOLVED ? 'resolved' : 'not_resolved', openUnitOf(turn.context.turnState));
    turn.memory.lastTurnId = undefined;
    if (turn.text === RESOLVED) {
      await replies.say(turn, messages.resolvedThanks);
      return true;
    }
    await replies.offerTicket(turn, tickets, 'not_resolved', turn.memory.lastQuestion ?? '', messages.notResolved);
    return true;
  };
}

/** "查询工单", "我的工单" or a ticket number: the state of the user's tickets, and only theirs. */
export function statusStep(tickets: TicketPort, replies: Replies): Step {
  return async (turn) => {
    if (turn.memory.awaitingMobileFor && MOBILE.test(turn.text.replace(/[\s-]/g, ''))) {
      const number = turn.memory.awaitingMobileFor;
      turn.memory.awaitingMobileFor = undefined;
      // Number + mobile pairs must not be guessable: a few misses an hour per conversation, then a pause.
      const hourAgo = Date.now() - 3_600_000;
      const misses = (turn.memory.failedLookups ?? []).filter((at) => Date.parse(at) > hourAgo);
      if (misses.length >= MAX_FAILED_LOOKUPS) {
        await replies.say(turn, messages.status.tooManyTries);
        return true;
      }
      const found = await tickets.find(requesterOf(turn.context), number, turn.text.replace(/\D/g, '').slice(-11));
      turn.memory.failedLookups = found ? misses : [...misses, new Date().toISOString()];
      await replies.say(turn, found ? messages.status.one(found) : messages.status.notFound);
      return true;
    }
    const number = numberIn(turn.text);
    if (number) {
      const found = await tickets.find(requesterOf(turn.context), number);
      if (found) {
        await replies.say(turn, messages.status.one(found));
      } else {
        // Not the user's (or no such ticket): the same question either way, so nothing leaks.
        turn.memory.awaitingMobileFor = number;
        await replies.say(turn, messages.status.askMobile);
      }
      return true;
    }
    if (!STATUS_WORDS.test(turn.text)) return false;
    const mine = await tickets.recent(requesterOf(turn.context));
    await replies.say(
      turn,
      mine.length === 0 ? messages.status.none : mine.length === 1 ? messages.status.one(mine[0] as TicketView) : messages.status.list(mine.map(line)),
    );
    return true;
  };
}

/** The answer to "您对办理结果满意吗？" after a ticket is resolved; 不满意 asks why, then reopens. */
export function surveyStep(tickets: TicketPort, replies: Replies): Step {
  return async (turn) => {
    const survey = turn.memory.survey;
    if (!survey) return false;
    if (survey.rating === '不满意') {
      turn.memory.survey = undefined;
      const comment = turn.text === SKIP ? undefined : turn.text.slice(0, 500);
      await rate(turn, tickets, replies, survey.number, '不满意', comment);
      return true;
    }
    const rating = (RATINGS as readonly string[]).includes(turn.text) ? (turn.text as Rating) : undefined;
    if (!rating) return false; // the user moved on: the question stays open until they answer or ask something else
    if (rating === '不满意') {
      turn.memory.survey = { number: survey.number, rating };
      await replies.ask(turn, messages.survey.comment, [SKIP]);
      return true;
    }
    turn.memory.survey = undefined;
    await rate(turn, tickets, replies, survey.number, rating);
    return true;
  };
}

async function rate(turn: Turn, tickets: TicketPort, replies: Replies, number: string, rating: Rating, comment?: string): Promise<void> {
  const stored = await tickets.rate(requesterOf(turn.context), number, rating, comment);
  await replies.say(turn, !stored ? messages.survey.unknown : rating === '不满意' ? messages.survey.reopened : messages.survey.thanks);
}

function numberIn(text: string): string | undefined {
  const match = TICKET_NUMBER.exec(text.normalize('NFKC'));
  return match ? `QY${match[1]}-${match[2]}` : undefined;
}

const line = (t: TicketView) => `${t.number}：${t.state}（${t.department}，预计 ${t.due} 前答复）`;
