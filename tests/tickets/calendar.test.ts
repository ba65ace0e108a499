// Working time on the 2026 calendar (holidays and 调休 make-up days), time limits and the plain-words due time.
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../tickets/sla/calendar.ts';
import { formatDueTime } from '../../tickets/sla/format.ts';
import { SlaPolicy } from '../../tickets/sla/policy.ts';

const sla = SlaPolicy.load();
const calendar = sla.calendar;
const at = (local: string) => new Date(`${local}+08:00`);
const local = (d: Date) => formatDueTime(d, at('2026-06-01T00:00:00'));

describe('working-day calendar', () => {
  it.each([
    ['2026-01-01', false, '元旦'],
    ['2026-01-04', true, '周日，元旦调休上班'],
    ['2026-02-14', true, '周六，春节调休上班'],
    ['2026-02-16', false, '春节'],
    ['2026-02-24', true, '春节后第一个工作日'],
    ['2026-05-09', true, '周六，劳动节调休上班'],
    ['2026-06-19', false, '端午节'],
    ['2026-09-20', true, '周日，国庆调休上班'],
    ['2026-10-08', true, '国庆节后的周四'],
    ['2026-10-10', true, '周六，国庆调休上班'],
    ['2026-11-28', false, '普通周六'],
    ['2026-11-30', true, '普通周一'],
    ['2025-10-08', false, '2025 国庆中秋连休'],
    ['2025-09-28', true, '2025 周日调休上班'],
  ])('%s is a working day: %s (%s)', (day, working) => {
    expect(calendar.isWorkingDay(day)).toBe(working);
  });

  it('knows which years it covers', () => {
    expect([2025, 2026, 2027].map((y) => calendar.covers(y))).toEqual([true, true, false]);
    // Without a 2027 file, weekends are still days off.
    expect(calendar.isWorkingDay('2027-01-02')).toBe(false);
  });

  it.each([
    ['Monday 10:00 + 3 days', '2026-11-30T10:00:00', 3, '12月3日（周四）10:00'],
    ['Friday 17:00 + 1 day', '2026-12-04T17:00:00', 1, '12月7日（周一）17:00'],
    ['Saturday + 3 days ends a working day, not the next morning', '2026-12-05T10:00:00', 3, '12月9日（周三）18:00'],
    ['across 国庆 with the 10-10 Saturday worked', '2026-09-30T17:00:00', 3, '10月10日（周六）17:00'],
    ['across 春节 with the 2-14 Saturday worked', '2026-02-13T12:00:00', 3, '2月25日（周三）12:00'],
    ['before opening hours counts from 09:00', '2026-11-30T07:00:00', 1, '11月30日（周一）18:00'],
  ])('adds working days: %s', (_name, from, days, due) => {
    expect(local(calendar.addWorkingDays(at(from), days))).toBe(due);
  });

  it('adds working hours, and finds the end of the working day', () => {
    expect(local(calendar.addWorkingHours(at('2026-11-30T16:00:00'), 4))).toBe('12月1日（周二）11:00');
    expect(local(calendar.endOfWorkingDay(at('2026-11-30T12:00:00')))).toBe('11月30日（周一）18:00');
    expect(local(calendar.endOfWorkingDay(at('2026-11-30T19:00:00')))).toBe('12月1日（周二）18:00');
    expect(local(calendar.endOfWorkingDay(at('2026-09-30T18:30:00')))).toBe('10月8日（周四）18:00');
  });

  it('measures working time between two instants, skipping nights, weekends and holidays', () => {
    const hours = (a: string, b: string) => calendar.workingMillisBetween(at(a), at(b)) / 3_600_000;
    expect(hours('2026-11-30T08:00:00', '2026-12-01T12:00:00')).toBe(12);
    expect(hours('2026-12-04T17:00:00', '2026-12-07T10:00:00')).toBe(2);
    expect(hours('2026-09-30T09:00:00', '2026-10-08T09:00:00')).toBe(9);
    expect(hours('2026-12-01T12:00:00', '2026-11-30T08:00:00')).toBe(-12);
  });

  it('refuses a calendar that never works', () => {
    const everyDay = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10));
    const closed = new WorkingCalendar([{ year: 2030, holidays: everyDay, workdays: [] }]);
    expect(() => closed.addWorkingDays(new Date('2030-01-01T01:00:00Z'), 1)).toThrow(/no working day/);
  });
});

describe('time limits', () => {
  const from = at('2026-11-30T10:00:00');
  it.each([
    ['咨询', { type: 'consultation', priority: 'normal', redList: false }, '12月3日（周四）10:00'],
    ['求助, red list', { type: 'help', priority: 'normal', redList: true }, '12月2日（周三）10:00'],
    ['投诉', { type: 'complaint', priority: 'normal', redList: false }, '12月17日（周四）10:00'],
    ['举报, red list', { type: 'report', priority: 'normal', redList: true }, '12月9日（周三）10:00'],
    ['建议', { type: 'suggestion', priority: 'normal', redList: false }, '12月17日（周四）10:00'],
    ['urgent', { type: 'complaint', priority: 'urgent', redList: false }, '11月30日（周一）18:00'],
  ] as const)('%s', (_name, input, due) => {
    expect(local(sla.dueAt(from, input))).toBe(due);
  });

  it('lets a category limit replace the type limit, and the red list still shortens it', () => {
    expect(local(sla.dueAt(from, { type: 'complaint', priority: 'normal', redList: false, categoryLimit: { workingDays: 5 } }))).toBe('12月7日（周一）10:00');
    expect(local(sla.dueAt(from, { type: 'complaint', priority: 'normal', redList: true, categoryLimit: { workingDays: 20 } }))).toBe('12月9日（周三）10:00');
  });

  it('gives a department 2 working days to return a ticket', () => {
    expect(local(sla.returnDeadline(at('2026-12-04T15:00:00')))).toBe('12月8日（周二）15:00');
  });
});

describe('due time in plain words', () => {
  it.each([
    ['2026-12-02T18:00:00', '2026-11-30T10:00:00', '12月2日（周三）18:00'],
    ['2027-01-04T09:30:00', '2026-12-30T10:00:00', '2027年1月4日（周一）09:30'],
    ['2026-11-30T23:59:00', '2026-11-30T10:00:00', '11月30日（周一）23:59'],
  ])('%s reads as %s', (due, now, words) => {
    expect(formatDueTime(at(due), at(now))).toBe(words);
  });
});
