import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { TokenService } from '../../adapters/webchat/token.ts';
import { startTestApp } from '../support/app.ts';
import { getActivities, postMessage, startConversation } from '../support/directline.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

const SECRET = 'site-backend-secret-0123456789-abcdefgh';

/** A token minted the way the first release did: HMAC-signed with the Direct Line secret itself. */
function signedWith(key: string, conversationId: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ conv: conversationId, user: 'dl_x', exp: Math.floor(Date.now() / 1000) + 600, iss: 'line-one' })).toString(
    'base64url',
  );
  return `${header}.${payload}.${createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url')}`;
}

describe('Direct Line secret and token-signing key', () => {
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET } });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  it('signs tokens with a key of its own: the secret cannot mint a token', async () => {
    const started = await startConversation(app.url);
    const forged = signedWith(SECRET, started.conversationId);
    const res = await fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, { headers: { Authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(403);
    const { value } = await app.db.kysely.selectFrom('app_secrets').select('value').where('name', '=', 'directline-token-signing').executeTakeFirstOrThrow();
    expect(value).not.toBe(SECRET);
    expect(() => new TokenService(SECRET, 60, undefined, SECRET)).toThrow(/must differ/);
    // The secret itself stays a master credential for site back-ends (documented in the README).
    expect(
      (await fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, { headers: { Authorization: `Bearer ${SECRET}` } })).status,
    ).toBe(200);
  });

  it('accepts no secret at all when none is configured (a generated one is never a credential)', async () => {
    const open = await startTestApp({ databaseUrl: target.url });
    try {
      const started = await startConversation(open.url);
      await open.db.kysely
        .insertInto('app_secrets')
        .values({ name: 'directline', value: 'generated-by-an-earlier-release-0123456789', created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const res = await fetch(`${open.url}/v3/directline/conversations/${started.conversationId}/activities`, {
        headers: { Authorization: 'Bearer generated-by-an-earlier-release-0123456789' },
      });
      expect(res.status).toBe(403);
      expect((await getActivities(open.url, started)).activities.length).toBe(1);
    } finally {
      await open.close();
    }
  });

  it('keeps identity-card and bank-card numbers out of the stored transcript (the phone stays for call-backs)', async () => {
    const started = await startConversation(app.url);
    const res = await postMessage(app.url, started, '我的身份证110101199003071234，卡号6228480033001238，电话13812345678');
    expect(res.status).toBe(200);
    const page = await getActivities(app.url, started);
    const mine = page.activities.find((a) => a.from.role === 'user');
    expect(mine?.text).toBe('我的身份证110101********1234，卡号622848******1238，电话13812345678');
    const rows = await app.db.kysely.selectFrom('dl_activities').select('activity').where('conversation_id', '=', started.conversationId).execute();
    expect(rows.map((r) => r.activity).join('')).not.toContain('110101199003071234');
  });
});
