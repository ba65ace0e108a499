// A desk client for tests: signs in like the page (cookie + CSRF header), keeps its cookie, and reads the event
// stream. Accounts are made through the admin API with the machine token, then signed in and given their own
// password, exactly as a new colleague would.
import { ADMIN_TOKEN } from '../support/desk.ts';

export const FIRST_ADMIN = { username: 'root-admin', password: 'Initial-Passw0rd!' };
export const NEW_PASSWORD = 'Changed-Passw0rd#2';

/** The desk settings every desk test app starts with. */
export const deskEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  DESK_ADMIN_TOKEN: ADMIN_TOKEN,
  DESK_ADMIN_USERNAME: FIRST_ADMIN.username,
  DESK_ADMIN_PASSWORD: FIRST_ADMIN.password,
  OUTBOX_POLL_MS: '50',
  ...extra,
});

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export class DeskClient {
  cookie: string | undefined;
  csrf: string | undefined;
  user: any;

  constructor(readonly base: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    init: { csrf?: string | null; headers?: Record<string, string>; raw?: string | Buffer; type?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (body !== undefined || init.raw !== undefined) headers['content-type'] = init.type ?? 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = init.csrf === null ? undefined : (init.csrf ?? this.csrf);
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const request = () =>
      fetch(`${this.base}${path}`, {
        method,
        headers,
        body: (init.raw ?? (body === undefined ? undefined : JSON.stringify(body))) as BodyInit | undefined,
      });
    // A pooled keep-alive connection the server closed while this process was busy (streaming a large export under
    // CI load) resets on reuse: browsers retry an idempotent request once on a fresh connection, and so does this.
    const res = await request().catch((err: { cause?: { code?: string } }) => {
      if (method === 'GET' && err.cause?.code === 'ECONNRESET') return request();
      throw err;
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = pair && !/=$/.test(pair) && !/Max-Age=0/.test(setCookie) ? pair : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // CSV and pages stay text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(username: string, password: string): Promise<Reply> {
    const reply = await this.call('POST', '/api/desk/session', { username, password });
    if (reply.status === 200) {
      this.csrf = reply.body.csrfToken;
      this.user = reply.body.user;
    }
    return reply;
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body?: unknown) => this.call('POST', path, body ?? {});
}

/** The machine token's client (scripts): no cookie, no CSRF. */
export function tokenCall(base: string, method: string, path: string, body?: unknown) {
  return fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
}

let counter = 0;

/** A new account of that role, signed in with its own password (the temporary one changed). */
export async function signedIn(
  base: string,
  role: 'agent' | 'handler' | 'supervisor' | 'admin',
  options: { department?: string; name?: string } = {},
): Promise<DeskClient> {
  const username = `${role}${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  const created = await tokenCall(base, 'POST', '/api/desk/accounts', {
    username,
    displayName: options.name ?? `${role}${counter}`,
    role,
    department: options.department ?? (role === 'handler' ? 'hrss' : undefined),
    password: 'Temporary-Passw0rd!',
  });
  if (created.status !== 201) throw new Error(`could not create ${role}: ${JSON.stringify(created.body)}`);
  const client = new DeskClient(base);
  await client.login(username, 'Temporary-Passw0rd!');
  const changed = await client.post('/api/desk/session/password', { current: 'Temporary-Passw0rd!', next: NEW_PASSWORD });
  if (changed.status !== 200) throw new Error(`could not change the password: ${JSON.stringify(changed.body)}`);
  client.user = changed.body.user;
  return client;
}

export interface EventReader {
  events: any[];
  /** Resolves with the first event (already received or to come) that matches. */
  next(match: (event: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Opens /api/desk/events with the client's cookie and collects what arrives. */
export async function readEvents(client: DeskClient): Promise<EventReader> {
  const controller = new AbortController();
  const res = await fetch(`${client.base}/api/desk/events`, { headers: client.cookie ? { cookie: client.cookie } : {}, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
  const events: any[] = [];
  const waiters: { match: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data);
          events.push(event);
          for (const w of [...waiters]) if (w.match(event)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(event));
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    next(match, timeoutMs = 5000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close: () => controller.abort(),
  };
}
