// Thin HTTP layer over the Direct Line 3.0 REST endpoints. No state here: the
// connection lifecycle (resume, reconnect, refresh) lives in directline.ts.
import type { Activity, ActivitySet, ConversationInfo } from './types.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The conversation or token is no longer valid: only a new conversation helps. */
export function isGone(err: unknown): boolean {
  return err instanceof HttpError && (err.status === 401 || err.status === 403 || err.status === 404);
}

// A request hanging on a dead network would block reconnecting forever.
const TIMEOUT_MS = 15_000;

export class DirectLineApi {
  constructor(private readonly base: string) {}

  private async call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const ctrl = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = setTimeout(() => ctrl?.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit', // anonymous visitors: never send the host site's cookies
        signal: ctrl?.signal,
      });
      if (!res.ok) throw new HttpError(res.status, `${method} ${path}: HTTP ${res.status}`);
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  startConversation(): Promise<ConversationInfo> {
    return this.call('POST', '/conversations');
  }

  /** Reconnect to an existing conversation; the returned streamUrl continues after `watermark`. */
  resumeConversation(id: string, token: string, watermark: string): Promise<ConversationInfo> {
    return this.call('GET', `/conversations/${encodeURIComponent(id)}?watermark=${encodeURIComponent(watermark)}`, token);
  }

  /** Activities after `watermark` (empty string = the whole history). */
  getActivities(id: string, token: string, watermark: string): Promise<ActivitySet> {
    return this.call('GET', `/conversations/${encodeURIComponent(id)}/activities?watermark=${encodeURIComponent(watermark)}`, token);
  }

  postActivity(id: string, token: string, activity: Activity): Promise<{ id?: string }> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/activities`, token, activity);
  }

  refreshToken(token: string): Promise<ConversationInfo> {
    return this.call('POST', '/tokens/refresh', token);
  }
}
