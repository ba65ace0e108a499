import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { botTexts, getActivities, postMessage, startConversation } from '../support/directline.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

/**
 * The attacker's side of finding 2: an anonymous /api/messages caller who knows a web-chat
 * conversation id tries to read or overwrite that conversation's bot state (kept under
 * `${channelId}/conversations/${id}/`), whatever channelId and conversation id it sends.
 */
describe('bot state of a web-chat conversation, seen from /api/messages', () => {
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  const stateRows = () =>
    app.db.kysely.selectFrom('kv_items').select(['key', 'data', 'etag']).orderBy('key').execute() as Promise<
      Array<{ key: string; data: string; etag: string }>
    >;

  const attack = async (channelId: string | undefined, conversationId: string, text: string) => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text,
        channelId,
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        deliveryMode: 'expectReplies',
        from: { id: 'attacker', role: 'user' },
        recipient: { id: 'line-one', role: 'bot' },
        conversation: { id: conversationId },
      }),
    });
    const body = res.status === 200 ? ((await res.json()) as { activities: Array<{ text?: string }> }) : undefined;
    return { status: res.status, texts: body?.activities.map((a) => a.text ?? '') ?? [] };
  };

  it('neither reads nor writes it, whatever channelId and conversation id the caller sends', async () => {
    // The visitor's conversation: the welcome offers the menu, the answer leaves a follow-up context.
    const visitor = await startConversation(app.url);
    await postMessage(app.url, visitor, '公积金缴存比例');
    expect(botTexts(await getActivities(app.url, visitor)).at(-1)).toContain('住房公积金缴存比例是多少');
    const id = visitor.conversationId;
    const before = await stateRows();
    const visitorKey = `lineone-webchat/conversations/${id}/`;
    expect(before.map((r) => r.key)).toContain(visitorKey);
    expect(JSON.parse(before.find((r) => r.key === visitorKey)!.data)).toMatchObject({ dialog: { lastEntryId: 'gongjijin-jiaocun-bili' } });

    // What a caller with no access to that state gets: the same words in a conversation nobody used.
    const control = await attack('emulator', `fresh-${Math.random()}`, '1');

    const channels = ['lineone-webchat', 'LineOne-WebChat', ' lineone-webchat ', 'webchat', 'directline', 'emulator', 'msteams', undefined];
    const conversations = [id, `${id}/`, `lineone-webchat/conversations/${id}`, `../${id}`, id.toUpperCase()];
    for (const channelId of channels) {
      for (const conversationId of conversations) {
        const result = await attack(channelId, conversationId, '1');
        const label = `${JSON.stringify(channelId)} ${conversationId}`;
        if (channelId?.trim().toLowerCase() === 'lineone-webchat') expect(result.status, label).toBe(403);
        else if (channelId === undefined)
          expect(result.status, label).toBe(400); // no channel: no state to key
        else expect(result, label).toEqual({ status: 200, texts: control.texts });
      }
    }

    const after = await stateRows();
    expect(after.find((r) => r.key === visitorKey)).toEqual(before.find((r) => r.key === visitorKey));
    expect(after.filter((r) => r.key.toLowerCase().startsWith('lineone-webchat')).map((r) => r.key)).toEqual([visitorKey]);

    // The visitor's own conversation still has its context.
    await postMessage(app.url, visitor, '1');
    expect(botTexts(await getActivities(app.url, visitor, '3')).join('\n')).not.toBe('');
  });
});
