// A due time in plain words for the user: 12月2日（周三）18:00, with the year only when it is not this year's.
import { weekdayLabel } from '../labels.ts';
import { SHANGHAI_OFFSET_MS } from './calendar.ts';

export function formatDueTime(instant: Date | string, now: Date = new Date()): string {
  const local = new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
  const thisYear = new Date(now.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear();
  const year = local.getUTCFullYear() === thisYear ? '' : `${local.getUTCFullYear()}年`;
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${year}${local.getUTCMonth() + 1}月${local.getUTCDate()}日（${weekdayLabel(local.getUTCDay())}）${hh}:${mm}`;
}
