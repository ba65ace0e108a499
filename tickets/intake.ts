// A new ticket's input, checked and cleaned before anything is stored: lengths capped, control characters gone,
// the mobile number and credit code checked. Pure.
import { checkCreditCode } from './credit-code.ts';
import { TicketValidationError } from './errors.ts';
import { checkMobile } from './mobile.ts';
import type { CreditCheck, Priority, TicketType, TranscriptLine } from './model.ts';
import { capRequest, cleanOptional, cleanText } from './sanitize.ts';

export const MAX_TRANSCRIPT_LINES = 100;
/** Largest serialized conversationRef accepted: it is a routing address, not a document. */
export const MAX_CONVERSATION_REF_BYTES = 8 * 1024;
export const MAX_TRANSCRIPT_LINE_LENGTH = 2000;

/** What the chat (or the desk) hands over to open a ticket. */
export interface NewTicket {
  requestText: string;
  /** Who raised it and how to reach them later; conversationRef is stored as given (JSON) and never read. */
  requester: { channelId: string; userId: string; conversationRef: Record<string, unknown> };
  /** Default: the category's type. */
  type?: TicketType;
  /** A catalog code; default: predicted from the request text (falling back when unsure). */
  category?: string;
  priority?: Priority;
  enterpriseName?: string | null;
  /** Stored whether or not it passes the check digit (待核实 when it does not): the intake asks again first. */
  creditCode?: string | null;
  contactName?: string | null;
  /** Must be a valid mainland mobile number when given. */
  contactMobile?: string | null;
  transcript?: readonly TranscriptLine[];
}

export interface CleanIntake {
  requestText: string;
  requestTruncated: boolean;
  requester: { channelId: string; userId: string; conversationRef: Record<string, unknown> };
  enterpriseName: string | null;
  creditCode: string | null;
  creditCheck: CreditCheck;
  contactName: string | null;
  contactMobile: string | null;
  transcript: TranscriptLine[];
}

export function cleanIntake(input: NewTicket): CleanIntake {
  const request = capRequest(String(input.requestText ?? ''));
  if (request.text === '') throw new TicketValidationError('requestText must not be empty', '请说明您要反映的问题。');
  const channelId = cleanText(String(input.requester?.channelId ?? ''), 64);
  const userId = cleanText(String(input.requester?.userId ?? ''), 256);
  if (channelId === '' || userId === '') throw new TicketValidationError('requester.channelId and requester.userId are required');
  return {
    requestText: request.text,
    requestTruncated: request.truncated,
    requester: { channelId, userId, conversationRef: checkConversationRef(input.requester.conversationRef) },
    enterpriseName: cleanOptional(input.enterpriseName, 200),
    ...creditCodeOf(input.creditCode),
    contactName: cleanOptional(input.contactName, 100),
    contactMobile: mobileOf(input.contactMobile),
    transcript: cleanTranscript(input.transcript ?? []),
  };
}

function creditCodeOf(input: string | null | undefined): { creditCode: string | null; creditCheck: CreditCheck } {
  const given = cleanOptional(input, 64);
  if (given === null) return { creditCode: null, creditCheck: 'none' };
  const check = checkCreditCode(given);
  // A few real codes fail the check digit: keep what was given (capped) for an agent to verify.
  return { creditCode: check.code.slice(0, 32), creditCheck: check.ok ? 'valid' : 'unverified' };
}

function mobileOf(input: string | null | undefined): string | null {
  const given = cleanOptional(input, 40);
  if (given === null) return null;
  const check = checkMobile(given);
  if (!check.ok) throw new TicketValidationError(`contactMobile is not a valid mobile number (${check.problem})`, check.message);
  return check.mobile;
}

function checkConversationRef(ref: unknown): Record<string, unknown> {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw new TicketValidationError('requester.conversationRef must be a JSON object');
  const json = JSON.stringify(ref);
  if (Buffer.byteLength(json) > MAX_CONVERSATION_REF_BYTES)
    throw new TicketValidationError(`requester.conversationRef is larger than ${MAX_CONVERSATION_REF_BYTES} bytes`);
  // A plain-JSON copy: the caller's object (with prototypes, getters, dates) is never stored by reference.
  return JSON.parse(json) as Record<string, unknown>;
}

/** The last MAX_TRANSCRIPT_LINES lines, each cleaned and capped; lines of unknown speakers or empty text dropped. */
function cleanTranscript(lines: readonly TranscriptLine[]): TranscriptLine[] {
  return lines
    .slice(-MAX_TRANSCRIPT_LINES)
    .filter((l) => l && ['user', 'bot', 'agent'].includes(l.from))
    .map((l) => ({ from: l.from, text: cleanText(String(l.text ?? ''), MAX_TRANSCRIPT_LINE_LENGTH, true), at: validInstant(l.at) }))
    .filter((l) => l.text !== '');
}

function validInstant(at: unknown): string {
  const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(time)) throw new TicketValidationError('transcript line "at" must be an ISO 8601 instant');
  return new Date(time).toISOString();
}
