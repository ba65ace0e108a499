import { describe, expect, it } from 'vitest';
import { mapWechatyMessage, targetOf, type WechatyMessageData } from '../../adapters/wechaty/mapping.ts';

const bot = { id: 'bot-1', name: '一号线' };
const base: WechatyMessageData = {
  id: 'm1',
  isText: true,
  text: '你好',
  self: false,
  ageSeconds: 2,
  talker: { id: 'alice', name: 'Alice' },
  mentionsSelf: false,
  bot,
};
const room = { id: 'r1@chatroom', topic: '企业群' };

describe('wechaty: Message → Activity', () => {
  it.each<[string, Partial<WechatyMessageData>, string]>([
    ['a private text is a turn', {}, 'turn'],
    ['our own message is ignored', { self: true }, 'ignore'],
    ['a message replayed after a reconnect is ignored', { ageSeconds: 600 }, 'ignore'],
    ['a room message without @ is ignored', { room }, 'ignore'],
    ['a room message with @ is a turn', { room, mentionsSelf: true, text: '@一号线 社保', textWithoutMention: '社保' }, 'turn'],
    ['a private image gets the text-only reply', { isText: false, text: '' }, 'polite'],
    ['an @ with nothing else gets the text-only reply', { room, mentionsSelf: true, text: '@一号线', textWithoutMention: '' }, 'polite'],
    ['a room image without @ is ignored', { room, isText: false }, 'ignore'],
  ])('%s', (_name, change, kind) => {
    expect(mapWechatyMessage({ ...base, ...change }, 180).kind).toBe(kind);
  });

  it('strips the mention and addresses the room, with the asker as the user', () => {
    const mapped = mapWechatyMessage({ ...base, room, mentionsSelf: true, text: '@一号线\u2005社保怎么交', textWithoutMention: '社保怎么交\u2005' }, 180);
    expect(mapped).toMatchObject({
      kind: 'turn',
      activity: {
        type: 'message',
        text: '社保怎么交',
        channelId: 'wechaty',
        from: { id: 'alice', role: 'user' },
        conversation: { id: 'r1@chatroom', isGroup: true },
        recipient: { id: 'bot-1' },
      },
    });
    expect(targetOf({ conversation: { id: 'r1@chatroom', isGroup: true, name: '', conversationType: 'group' }, user: { id: 'alice', name: '' } })).toEqual({
      kind: 'room',
      roomId: 'r1@chatroom',
      mentionId: 'alice',
    });
    expect(targetOf({ conversation: { id: 'alice', isGroup: false, name: '', conversationType: 'personal' } })).toEqual({
      kind: 'contact',
      contactId: 'alice',
    });
  });
});
