// Time limits (办理时限) from config/sla.yaml, computed on the working-day calendar.
import { z } from 'zod';
import { loadYamlFile } from '../config/yaml.ts';
import { TICKET_TYPES, type Priority, type TicketType } from '../model.ts';
import { WorkingCalendar } from './calendar.ts';
import { DEFAULT_CALENDAR_DIR, loadSchedules } from './holidays.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_SLA_FILE = fromRoot('tickets/config/sla.yaml');

export const DurationSchema = z.union([
  z.strictObject({ workingDays: z.number().positive().max(250) }),
  z.strictObject({ workingHours: z.number().positive().max(2000) }),
  z.strictObject({ sameDay: z.literal(true) }),
]);
export type Duration = z.infer<typeof DurationSchema>;

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time like 09:00')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
const byType = z.strictObject(Object.fromEntries(TICKET_TYPES.map((t) => [t, DurationSchema])) as Record<TicketType, typeof DurationSchema>);

const PolicyFile = z.strictObject({
  workingHours: z.strictObject({ start: clock, end: clock }).refine((h) => h.start < h.end, 'start must be before end'),
  limits: byType,
  redList: byType,
  urgent: DurationSchema,
  returnWithin: DurationSchema,
  maxExtension: z.strictObject({ workingDays: z.number().int().positive().max(60) }),
  overdueReminderEvery: DurationSchema,
});
export type PolicyConfig = z.infer<typeof PolicyFile>;

export interface LimitInput {
  type: TicketType;
  priority: Priority;
  redList: boolean;
  /** A category's own limit for normal tickets (categories.yaml), replacing the type's. */
  categoryLimit?: Duration;
}

export class SlaPolicy {
  constructor(
    readonly calendar: WorkingCalendar,
    readonly config: PolicyConfig,
  ) {}

  static load(options: { file?: string; calendarDir?: string } = {}): SlaPolicy {
    const config = loadYamlFile(options.file ?? DEFAULT_SLA_FILE, PolicyFile);
    return new SlaPolicy(new WorkingCalendar(loadSchedules(options.calendarDir ?? DEFAULT_CALENDAR_DIR), config.workingHours), config);
  }

  /** When a ticket received at `from` is due: urgent the same day; red-list enterprises the shorter of two limits. */
  dueAt(from: Date, input: LimitInput): Date {
    if (input.priority === 'urgent') return this.after(from, this.config.urgent);
    const normal = this.after(from, input.categoryLimit ?? this.config.limits[input.type]);
    if (!input.redList) return normal;
    const red = this.after(from, this.config.redList[input.type]);
    return red < normal ? red : normal;
  }

  /** The instant a duration after `from`, in working time. */
  after(from: Date, duration: Duration): Date {
    if ('sameDay' in duration) return this.calendar.endOfWorkingDay(from);
    if ('workingDays' in duration) return this.calendar.addWorkingDays(from, duration.workingDays);
    return this.calendar.addWorkingHours(from, duration.workingHours);
  }

  /** Until when a department may return a ticket dispatched at `dispatchedAt`. */
  returnDeadline(dispatchedAt: Date): Date {
    return this.after(dispatchedAt, this.config.returnWithin);
  }

  /** The due time after an extension of `workingDays` from the current due time. */
  extendedDue(currentDue: Date, workingDays: number): Date {
    return this.calendar.addWorkingDays(currentDue, workingDays);
  }

  get maxExtensionDays(): number {
    return this.config.maxExtension.workingDays;
  }

  /** Working milliseconds between two overdue reminders. */
  get reminderPeriodMs(): number {
    const d = this.config.overdueReminderEvery;
    if ('sameDay' in d) return this.calendar.hoursPerDay * 3_600_000;
    return ('workingDays' in d ? d.workingDays * this.calendar.hoursPerDay : d.workingHours) * 3_600_000;
  }
}
