// Working time on China's calendar: weekends off, public holidays off, make-up working days (调休) on, and a
// working window each day (09:00–18:00 by default). Pure arithmetic over instants.
//
// Time zone: Asia/Shanghai has been UTC+08:00 all year since 1991 (no daylight saving), so a fixed offset is exact
// and keeps this free of Intl lookups on the hot path.
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A year's official schedule: dates are Shanghai calendar dates, YYYY-MM-DD. */
export interface YearSchedule {
  year: number;
  /** Days off that would otherwise be working days (and weekend days inside a holiday, harmlessly). */
  holidays: string[];
  /** Weekend days that are working days (调休上班). */
  workdays: string[];
}

/** The daily working window, in minutes after local midnight. */
export interface WorkingHours {
  start: number;
  end: number;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: 9 * 60, end: 18 * 60 };

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 in Shanghai. */
const localDay = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
const dayKey = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
// 1970-01-01 was a Thursday (4); 0 is Sunday.
const weekday = (day: number) => (day + 4) % 7;
// No schedule keeps anyone off work for a month; a longer run of days off is a bad calendar file, not a long wait.
const MAX_DAYS_OFF = 31;

export class WorkingCalendar {
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly years: Set<number>;
  readonly hours: WorkingHours;

  constructor(schedules: readonly YearSchedule[], hours: WorkingHours = DEFAULT_WORKING_HOURS) {
    if (!(hours.start >= 0 && hours.end <= 24 * 60 && hours.start < hours.end))
      throw new Error('tickets: working hours must start before they end, within one day');
    this.holidays = new Set(schedules.flatMap((s) => s.holidays));
    this.workdays = new Set(schedules.flatMap((s) => s.workdays));
    this.years = new Set(schedules.map((s) => s.year));
    this.hours = hours;
  }

  /** Length of one working day in hours (9 for 09:00–18:00). */
  get hoursPerDay(): number {
    return (this.hours.end - this.hours.start) / 60;
  }

  /** False for years without a schedule file: there only weekends are days off (the service warns). */
  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** Is this Shanghai date (YYYY-MM-DD, or the date of an instant) a working day? */
  isWorkingDay(date: string | Date): boolean {
    const key = typeof date === 'string' ? date : shanghaiDate(date);
    if (this.workdays.has(key)) return true;
    if (this.holidays.has(key)) return false;
    const day = Math.floor(Date.parse(`${key}T00:00:00Z`) / DAY_MS);
    const wd = weekday(day);
    return wd !== 0 && wd !== 6;
  }

  /** The instant `hours` working hours after `from`; lands on the end of a working day rather than the next start. */
  addWorkingHours(from: Date, hours: number): Date {
    if (!(hours >= 0)) throw new Error('tickets: working hours to add must be >= 0');
    let remaining = hours * HOUR_MS;
    let cursor = from.getTime();
    if (remaining === 0) return new Date(cursor);
    for (let day = localDay(cursor); ; day++) {
      const window = this.window(day);
      if (!window) continue;
      const start = Math.max(cursor, window.start);
      if (start >= window.end) continue;
      const available = window.end - start;
      if (remaining <= available) return new Date(start + remaining);
      remaining -= available;
      cursor = window.end;
    }
  }

  /** `days` working days after `from`, counted in working hours (so 10:00 + 3 days is 10:00, three working days on). */
  addWorkingDays(from: Date, days: number): Date {
    return this.addWorkingHours(from, days * this.hoursPerDay);
  }

  /** The end of the working day `at` falls in, or of the next working day when `at` is after hours or a day off. */
  endOfWorkingDay(at: Date): Date {
    for (let day = localDay(at.getTime()); ; day++) {
      const window = this.window(day);
      if (window && at.getTime() < window.end) return new Date(window.end);
    }
  }

  /** Working time between two instants in milliseconds; negative when `to` is before `from`. */
  workingMillisBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b < a) return -this.workingMillisBetween(to, from);
    let total = 0;
    for (let day = localDay(a); day <= localDay(b); day++) {
      const window = this.window(day);
      if (window) total += Math.max(0, Math.min(b, window.end) - Math.max(a, window.start));
    }
    return total;
  }

  /** The working window of a local day as UTC instants, or undefined on a day off. */
  private window(day: number): { start: number; end: number } | undefined {
    if (!this.isWorkingDay(dayKey(day))) {
      this.assertWorkingDayNear(day);
      return undefined;
    }
    const midnight = day * DAY_MS - SHANGHAI_OFFSET_MS;
    return { start: midnight + this.hours.start * 60_000, end: midnight + this.hours.end * 60_000 };
  }

  /** Guards the scans above against a calendar with no working day in sight. */
  private assertWorkingDayNear(day: number): void {
    for (let d = day - MAX_DAYS_OFF; d <= day; d++) if (this.isWorkingDay(dayKey(d))) return;
    throw new Error(`tickets: no working day in the ${MAX_DAYS_OFF} days up to ${dayKey(day)}; check the calendar files`);
  }
}
