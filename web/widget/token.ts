// Keeps the Direct Line token alive by refreshing it at about half of its remaining lifetime.
import { DirectLineApi, isGone } from './api.ts';
import { saveSession, type Session } from './storage.ts';

export const DEFAULT_LIFETIME_S = 1_800;
const MAX_TIMER_MS = 2 ** 31 - 1;

export function expiresAt(expiresIn: number | undefined): number {
  return Date.now() + (expiresIn && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S) * 1000;
}

export class TokenRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: DirectLineApi,
    private readonly current: () => Session | null,
    /** The server rejected the token: the conversation cannot be continued. */
    private readonly onRejected: () => void,
  ) {}

  /** (Re)arm the timer; also called when a tab becomes visible because background timers drift. */
  schedule(): void {
    clearTimeout(this.timer);
    const s = this.current();
    if (!s || s.expiresAt <= Date.now()) return;
    // A failed refresh simply re-arms at half of what is left, so retries speed up near expiry.
    const ms = Math.min(MAX_TIMER_MS, Math.max(5_000, (s.expiresAt - Date.now()) / 2));
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  private async refresh(): Promise<void> {
    const s = this.current();
    if (!s) return;
    try {
      const info = await this.api.refreshToken(s.token);
      if (this.current() !== s) return;
      s.token = info.token || s.token;
      s.expiresAt = expiresAt(info.expires_in);
      saveSession(s);
    } catch (err) {
      if (isGone(err)) return this.onRejected();
    }
    this.schedule();
  }
}
