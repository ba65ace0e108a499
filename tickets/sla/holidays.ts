// Reads the yearly holiday files (config/calendar/<year>.yaml) into schedules for WorkingCalendar.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../config/yaml.ts';
import type { YearSchedule } from './calendar.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_CALENDAR_DIR = fromRoot('tickets/config/calendar');

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real date');

const YearFile = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(z.strictObject({ name: z.string().min(1), from: date, to: date })),
    workdays: z.array(date),
  })
  .superRefine((file, ctx) => {
    const inYear = (d: string) => d.startsWith(`${file.year}-`);
    file.holidays.forEach((h, i) => {
      if (!inYear(h.from) || !inYear(h.to)) ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `dates must be in ${file.year}` });
      if (h.to < h.from) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'to'], message: '"to" is before "from"' });
    });
    file.workdays.forEach((d, i) => {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (!inYear(d)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `dates must be in ${file.year}` });
      else if (weekday !== 0 && weekday !== 6)
        ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${d} is a weekday already; 调休上班 days are weekend days` });
    });
  });

/** Every <year>.yaml in the folder, oldest first. */
export function loadSchedules(dir = DEFAULT_CALENDAR_DIR): YearSchedule[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}\.yaml$/.test(f))
    .sort();
  return files.map((f) => {
    const file = loadYamlFile(join(dir, f), YearFile);
    return { year: file.year, holidays: file.holidays.flatMap((h) => daysBetween(h.from, h.to)), workdays: file.workdays };
  });
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
