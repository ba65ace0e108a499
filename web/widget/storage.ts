// Persists the conversation so a page reload resumes it instead of starting over.
// localStorage can throw (Safari private mode, blocked cookies): fall back to memory silently.

export interface Session {
  conversationId: string;
  token: string;
  watermark: string;
  userId: string;
  /** Epoch ms after which the token is no longer accepted by the server. */
  expiresAt: number;
}

const PREFIX = 'lineone:';
const memory = new Map<string, string>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return memory.get(key) ?? null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
}

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(read('session') || 'null') as Partial<Session> | null;
    if (!s || typeof s.conversationId !== 'string' || typeof s.token !== 'string') return null;
    return {
      conversationId: s.conversationId,
      token: s.token,
      watermark: typeof s.watermark === 'string' ? s.watermark : '',
      userId: typeof s.userId === 'string' && s.userId ? s.userId : newUserId(),
      expiresAt: typeof s.expiresAt === 'number' ? s.expiresAt : 0,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  write('session', session ? JSON.stringify(session) : null);
}

/** Whether the panel was open, so a reload mid-conversation keeps it open. */
export function loadOpen(): boolean {
  return read('open') === '1';
}

export function saveOpen(open: boolean): void {
  write('open', open ? '1' : null);
}

export function newUserId(): string {
  return 'web-' + randomId();
}

export function randomId(): string {
  const c = window.crypto;
  if (c && typeof c.getRandomValues === 'function') {
    const bytes = c.getRandomValues(new Uint8Array(9));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}
