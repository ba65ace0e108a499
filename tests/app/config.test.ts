import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnvironment } from '../../app/config.ts';

describe('config', () => {
  it('starts on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, DATABASE_URL: 'sqlite:data/lineone.db', LOG_LEVEL: 'info', DIRECTLINE_ANONYMOUS: true });
    expect(config.DIRECTLINE_SECRET).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ MicrosoftAppId: '', PORT: '' }).PORT).toBe(3978);
  });

  it.each([
    ['PORT', 'abc', /PORT="abc"/],
    ['PORT', '70000', /PORT="70000"/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL="mysql:\/\/x": sqlite:<path>/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud"/],
    ['DIRECTLINE_SECRET', 'short', /DIRECTLINE_SECRET=.*at least 32 characters/],
    ['DIRECTLINE_ANONYMOUS', 'maybe', /DIRECTLINE_ANONYMOUS="maybe"/],
    ['TRUST_PROXY', '10.0.0.0/33', /TRUST_PROXY="10\.0\.0\.0\/33": false, true, a number of proxies/],
    ['BOTFRAMEWORK_SERVICE_URLS', 'ftp://x', /BOTFRAMEWORK_SERVICE_URLS="ftp:\/\/x"/],
    ['BOTFRAMEWORK_SERVICE_URLS', 'https://x.example/path', /must be an origin/],
    ['FRAME_ANCESTORS', "'self'; script-src *", /FRAME_ANCESTORS=/],
    ['RETENTION_DAYS', '-1', /RETENTION_DAYS="-1"/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reads .env under the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineone-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=4000\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ LOG_LEVEL: 'warn' }, file);
    expect(loadConfig(env)).toMatchObject({ PORT: 4000, LOG_LEVEL: 'warn' });
  });

  it('reads TRUST_PROXY as none, a number of proxies or proxy ranges', () => {
    expect(loadConfig({}).TRUST_PROXY).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toEqual({ kind: 'hops', count: 1 });
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toEqual({ kind: 'hops', count: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, fd00::/8' }).TRUST_PROXY).toMatchObject({ kind: 'cidrs', text: '10.0.0.0/8,fd00::/8' });
  });

  it('defaults to the safe side: anonymous /api/messages off beyond loopback, 180-day retention, frames from self only', () => {
    expect(loadConfig({})).toMatchObject({ BOTFRAMEWORK_ANONYMOUS: false, BOTFRAMEWORK_SERVICE_URLS: [], RETENTION_DAYS: 180, FRAME_ANCESTORS: "'self'" });
    expect(loadConfig({ FRAME_ANCESTORS: 'self https://www.example.gov.cn' }).FRAME_ANCESTORS).toBe("'self' https://www.example.gov.cn");
  });

  it('accepts a PostgreSQL URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).DATABASE_URL).toMatch(/^postgres/);
  });
});

describe('settings are documented', () => {
  it('every setting appears in .env.example and in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const { SETTING_NAMES } = await import('../../app/config.ts');
    const example = readFileSync('.env.example', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    const undocumented = SETTING_NAMES.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(undocumented, 'missing from .env.example').toEqual([]);
    const missingInReadme = SETTING_NAMES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missingInReadme, 'missing from README').toEqual([]);
  });
});
