/** Small raw-HTTP helpers for Direct Line tests: what a client sends, nothing hidden. */
export interface Started {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

export async function startConversation(base: string, auth?: string): Promise<Started> {
  const res = await fetch(`${base}/v3/directline/conversations`, {
    method: 'POST',
    headers: auth ? { Authorization: `Bearer ${auth}` } : {},
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Started;
}

export async function postMessage(base: string, started: Started, text: string, extra: Record<string, unknown> = {}) {
  return fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'user1', role: 'user' }, ...extra }),
  });
}

export interface ActivityPage {
  activities: Array<{
    id: string;
    type: string;
    text?: string;
    from: { id: string; role?: string };
    channelData?: Record<string, unknown>;
    suggestedActions?: { actions: Array<{ title: string; value: string }> };
  }>;
  watermark: string;
}

export async function getActivities(base: string, started: Started, watermark = ''): Promise<ActivityPage> {
  const res = await fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities?watermark=${watermark}`, {
    headers: { Authorization: `Bearer ${started.token}` },
  });
  if (res.status !== 200) throw new Error(`get failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as ActivityPage;
}

export const botTexts = (page: ActivityPage) => page.activities.filter((a) => a.from.role === 'bot').map((a) => a.text ?? '');
