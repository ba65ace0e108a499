import { expect } from 'vitest';
import { botTexts, getActivities, postMessage, type Started } from './directline.ts';

/** The desk API's admin token in tests (DESK_ADMIN_TOKEN). */
export const ADMIN_TOKEN = 'desk-admin-token-0123456789-abcdefghijklmn';

/** Says each message in turn over Direct Line; returns the bot's replies to the last one. */
export async function chat(base: string, c: Started, ...messages: string[]): Promise<string> {
  let replies: string[] = [];
  for (const m of messages) {
    const before = (await getActivities(base, c)).watermark;
    const res = await postMessage(base, c, m);
    expect(res.status, `posting "${m}"`).toBe(200);
    replies = botTexts(await getActivities(base, c, before));
  }
  return replies.join('\n');
}

export async function desk(base: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${base}/api/desk${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
