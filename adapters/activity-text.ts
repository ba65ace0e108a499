import { z } from 'zod';

/** Longest message text any channel accepts, in characters; longer text gets a clear 400. */
export const MAX_TEXT_CHARS = 4000;

export const activityText = z.string().max(MAX_TEXT_CHARS, `text longer than ${MAX_TEXT_CHARS} characters`);
