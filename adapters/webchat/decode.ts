import type { Activity } from 'botbuilder';
import { MAX_JSON_DEPTH, tooDeep } from '../../http/json-limits.ts';

/** The event that stands in for a stored activity that cannot be served; clients ignore unknown events. */
export const UNAVAILABLE_EVENT = 'lineone/activityUnavailable';

/** Reports a stored row that could not be served (the store logs it once). */
export type OnUnservable = (seq: number, reason: string) => void;

/**
 * A stored activity as clients get it. A row that is not JSON, not an object, or nested deeper than
 * anything the door accepts (written before the limits, or by hand) becomes a placeholder event with
 * the row's id: the rest of the conversation is still served, in order, and the watermark moves on.
 */
export function decodeStoredActivity(id: string, seq: number, raw: string, createdAt: string, onUnservable: OnUnservable): Partial<Activity> {
  let reason: string;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) reason = 'not an object';
    else if (tooDeep(parsed, MAX_JSON_DEPTH + 2)) reason = `nested deeper than ${MAX_JSON_DEPTH + 2} levels`;
    else return parsed as Partial<Activity>;
  } catch {
    reason = 'not valid JSON';
  }
  onUnservable(seq, reason);
  return { id, type: 'event', name: UNAVAILABLE_EVENT, timestamp: new Date(createdAt) };
}
