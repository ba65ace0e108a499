// Times as people at a Chinese hotline read them (Asia/Shanghai), and the due-time countdown.
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const time = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });

export const at = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '');
export const clock = (iso: string) => time.format(new Date(iso));

/** 剩 2天3小时 / 剩 45分钟 / 超期 5小时. */
export function countdown(dueAt: string, nowMs: number): { text: string; overdue: boolean; soon: boolean } {
  const ms = Date.parse(dueAt) - nowMs;
  const overdue = ms < 0;
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const span = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${mins}分` : `${mins}分钟`;
  return { text: overdue ? `超期 ${span}` : `剩 ${span}`, overdue, soon: !overdue && ms < 4 * 3_600_000 };
}

export const percent = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

/** Shanghai's today as YYYY-MM-DD, and n days before it. */
export function dayString(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 - offsetDays * 86_400_000).toISOString().slice(0, 10);
}
