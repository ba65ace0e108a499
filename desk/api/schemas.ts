// zod for every query and body of the desk's ticket API. Unknown fields are refused (a typo is an error, not
// silently ignored); lengths are capped before anything reaches the domain.
import { z } from 'zod';
import type { CommandAction } from '../../tickets/commands.ts';
import { PRIORITIES, SATISFACTION_LEVELS, TICKET_STATES, TICKET_TYPES } from '../../tickets/model.ts';
import { MAX_PAGE_SIZE, TICKET_SORTS } from '../../tickets/queries.ts';

const code = z.string().min(1).max(32);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const states = z
  .string()
  .max(200)
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(TICKET_STATES)));

export const FilterQuery = z.strictObject({
  state: states.optional(),
  department: code.optional(),
  category: code.optional(),
  priority: z.enum(PRIORITIES).optional(),
  redList: flag.optional(),
  overdue: flag.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const ListQuery = FilterQuery.extend({
  /** me: tickets assigned to the caller; none: tickets nobody at the hotline has taken. */
  assigned: z.enum(['me', 'none']).optional(),
  sort: z.enum(TICKET_SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

const isoDate = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
export const OnTimeQuery = z.strictObject({ from: isoDate.optional(), to: isoDate.optional(), department: code.optional() });

const reason = z.string().min(1).max(1000);
const optionalNote = z.string().max(1000).optional();
const long = z.string().min(1).max(10_000);
const version = { expectedVersion: z.number().int().positive() };

export const ACTION_BODIES = {
  dispatch: z.strictObject({ ...version, department: code.optional(), note: optionalNote }),
  accept: z.strictObject({ ...version, note: optionalNote }),
  return: z.strictObject({ ...version, reason }),
  start: z.strictObject({ ...version, note: optionalNote }),
  reply: z.strictObject({ ...version, text: long }),
  request_extension: z.strictObject({ ...version, workingDays: z.number().int().min(1).max(60), reason }),
  approve_extension: z.strictObject({ ...version, note: optionalNote }),
  refuse_extension: z.strictObject({ ...version, reason }),
  remind: z.strictObject({ ...version, note: reason }),
  supervise: z.strictObject({ ...version, note: reason }),
  resolve: z.strictObject({ ...version, reply: long.optional(), note: optionalNote }),
  rate: z.strictObject({ ...version, satisfaction: z.enum(SATISFACTION_LEVELS), comment: optionalNote }),
  close: z.strictObject({ ...version, reason }),
  reopen: z.strictObject({ ...version, reason }),
  merge: z.strictObject({ ...version, into: z.string().min(1).max(40), note: optionalNote }),
  note: z.strictObject({ ...version, text: reason }),
  recategorize: z.strictObject({ ...version, category: code, note: optionalNote }),
} satisfies Record<CommandAction, z.ZodType>;

/** A ticket taken by an agent (a phone call, a walk-in): the desk is its channel. */
export const CreateBody = z.strictObject({
  requestText: long,
  type: z.enum(TICKET_TYPES).optional(),
  category: code.optional(),
  priority: z.enum(PRIORITIES).optional(),
  enterpriseName: z.string().max(500).nullish(),
  creditCode: z.string().max(64).nullish(),
  contactName: z.string().max(200).nullish(),
  contactMobile: z.string().max(40).nullish(),
});

/** 认领 (to: "me"), 分配 (to: an account id) or 释放 (to: null). */
export const AssignBody = z.strictObject({ to: z.union([z.literal('me'), z.uuid(), z.null()]) });
