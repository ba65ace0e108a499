// The desk's settings as the composition root reads them.
import { describe, expect, it } from 'vitest';
import { ConfigError, deskSettingsFrom, loadConfig } from '../../app/config.ts';

describe('desk settings', () => {
  it('takes the defaults, and a Secure cookie when the public URL is https', () => {
    expect(deskSettingsFrom(loadConfig({}))).toMatchObject({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      loginMaxFailures: 5,
      loginLockMinutes: 15,
      liveWaitSeconds: 120,
      cookieSecure: false,
      firstAdmin: undefined,
    });
    expect(deskSettingsFrom(loadConfig({ PUBLIC_URL: 'https://bot.example.gov.cn' })).cookieSecure).toBe(true);
    expect(deskSettingsFrom(loadConfig({ PUBLIC_URL: 'https://bot.example.gov.cn', DESK_COOKIE_SECURE: 'false' })).cookieSecure).toBe(false);
  });

  it('needs the first administrator’s name and password together, and a long enough password', () => {
    expect(() => loadConfig({ DESK_ADMIN_USERNAME: 'admin' })).toThrow(ConfigError);
    expect(() => loadConfig({ DESK_ADMIN_USERNAME: 'admin', DESK_ADMIN_PASSWORD: 'short' })).toThrow(/DESK_ADMIN_PASSWORD/);
    expect(deskSettingsFrom(loadConfig({ DESK_ADMIN_USERNAME: 'admin', DESK_ADMIN_PASSWORD: 'Long-enough-1' })).firstAdmin).toEqual({
      username: 'admin',
      password: 'Long-enough-1',
    });
  });
});
