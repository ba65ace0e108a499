import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UndeliveredReplies } from '../../adapters/delivery-signals.ts';
import { WechatyChannel } from '../../adapters/wechaty/wechaty-channel.ts';
import { wechatySchema } from '../../adapters/wechaty/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { EchoBot, testLog } from './wechat-test-kit.ts';

const { PuppetMock, mock } = await import('wechaty-puppet-mock');

type MockContact = ReturnType<InstanceType<typeof mock.Mocker>['createContact']>;
interface MockMessage {
  payload?: { talkerId?: string; roomId?: string };
  text(): string | undefined;
}

/** Waits for a condition, polling; fails with `what` after the timeout. */
async function until(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('wechaty: personal WeChat through a mock puppet', () => {
  let target: TestDatabase;
  let db: Db;
  const bot = new EchoBot();
  const undelivered: UndeliveredReplies[] = [];
  const mocker = new mock.Mocker();
  let puppet: InstanceType<typeof PuppetMock>;
  let channel: WechatyChannel;
  let botUser: MockContact;
  let alice: MockContact;
  /** Everything the bot said, as the mock side sees it. */
  const heard: Array<{ text: string; roomId?: string }> = [];

  const options = (overrides: Partial<ConstructorParameters<typeof WechatyChannel>[0]> = {}) => ({
    name: 'line-one-test',
    paceMs: 10,
    heartbeatMs: 100,
    leaseMs: 1000,
    db: db.kysely,
    log: testLog(),
    bot: (context: Parameters<EchoBot['run']>[0]) => bot.run(context),
    printQr: () => {},
    ...overrides,
  });

  beforeAll(async () => {
    target = sqliteDatabase();
    db = await openDatabase(target.url, [wechatySchema]);
    channel = new WechatyChannel(options({ instanceId: 'A', puppet: () => (puppet = new PuppetMock({ mocker })) }));
    channel.onUndelivered((u) => undelivered.push(u));
    await channel.start();
    await until(() => channel.loginState === 'waiting_login', 'the mock puppet to start', 20_000);
    botUser = mocker.createContact({ name: '一号线' });
    mocker.login(botUser);
    await until(() => channel.loginState === 'logged_in', 'login');
    alice = mocker.createContact({ name: 'Alice' });
    alice.on('message', (m: MockMessage) => {
      if (m.payload?.talkerId === botUser.id) heard.push({ text: m.text() ?? '', roomId: m.payload?.roomId });
    });
  }, 60_000);
  afterAll(async () => {
    await channel?.close();
    await db?.close();
    await target?.drop();
  });

  it('answers a contact, rendered as plain text with numbered choices', async () => {
    alice.say('社保').to(botUser);
    await until(() => heard.some((h) => h.text.startsWith('社保可在')), 'the answer');
    expect(heard.find((h) => h.text.startsWith('社保可在'))?.text).toBe(
      '社保可在网上办事大厅（https://ggfw.example.gov.cn）办理：\n\n1. 登录\n2. 提交\n\n回复数字选择：\n1. 社保缴费基数\n2. 转人工',
    );
  });

  it('pushes into a stored conversation later (continueConversation)', async () => {
    const reference = await channel.reference(alice.id);
    expect(reference?.conversation).toMatchObject({ id: alice.id, isGroup: false });
    await channel.continueConversation(reference ?? {}, async (context) => void (await context.sendActivity('您的工单已办结')));
    await until(() => heard.some((h) => h.text === '您的工单已办结'), 'the push');
  });

  it('answers an @-mention in a group with an @ of the asker, and ignores the rest of the chatter', async () => {
    const room = mocker.createRoom({ topic: '企业服务群', memberIdList: [botUser.id, alice.id] });
    room.on('message', (m: MockMessage) => {
      if (m.payload?.talkerId === botUser.id) heard.push({ text: m.text() ?? '', roomId: room.id });
    });
    const turns = bot.turns;
    alice.say('今天天气不错').to(room);
    alice.say('@一号线 公积金', [botUser]).to(room);
    await until(() => heard.some((h) => h.roomId === room.id), 'the room reply');
    expect(heard.filter((h) => h.roomId === room.id).map((h) => h.text)).toEqual(['@Alice 您说：公积金']);
    expect(bot.turns - turns).toBe(1);
  });

  it('survives a puppet that throws: the process stays up, the reply is handed on, the next one goes', async () => {
    const original = puppet.messageSendText.bind(puppet);
    puppet.messageSendText = async () => {
      throw new Error('puppet exploded');
    };
    alice.say('在吗').to(botUser);
    await until(() => undelivered.length > 0, 'the undelivered reply');
    expect(undelivered[0]).toMatchObject({
      channel: 'wechaty',
      userId: alice.id,
      texts: ['您说：在吗'],
      error: { name: 'DeliveryDeferred', reason: 'api_unavailable' },
    });
    puppet.messageSendText = original;
    alice.say('还在吗').to(botUser);
    await until(() => heard.some((h) => h.text === '您说：还在吗'), 'the next answer');
  });

  it('retries a puppet that fails to start, with backoff', async () => {
    let attempts = 0;
    const flaky = new WechatyChannel(
      options({
        name: 'line-one-flaky',
        instanceId: 'F',
        retryMinMs: 20,
        puppet: () => {
          if (++attempts < 3) throw new Error('puppet service unreachable');
          return new PuppetMock({ mocker: new mock.Mocker() });
        },
      }),
    );
    await flaky.start();
    await until(() => flaky.loginState === 'waiting_login', 'the third attempt to start', 20_000);
    expect(attempts).toBe(3);
    await flaky.close();
  });

  it('lets only one instance hold the login; a standby takes over when the holder leaves', async () => {
    let built = 0;
    const standby = new WechatyChannel(options({ instanceId: 'B', puppet: () => (built++, new PuppetMock({ mocker: new mock.Mocker() })) }));
    await standby.start();
    expect(standby.loginState).toBe('standby');
    expect(built).toBe(0);
    await channel.close();
    expect(channel.loginState).toBe('stopped');
    await until(() => built === 1 && standby.loginState === 'waiting_login', 'the standby to take over', 20_000);
    await standby.close();
  });
});
