import { TestAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { LineOneConversationState } from '../../bot/conversation-state.ts';
import { KeyValueBotStorage } from '../../bot/state-storage.ts';
import { MemoryKeyValueStore } from '../../storage/kv.ts';

/** The bot's storage over a memory store that counts its writes. */
class CountingStorage extends KeyValueBotStorage {
  writes = 0;
  constructor() {
    const store = new MemoryKeyValueStore();
    const put = store.put.bind(store);
    super(
      Object.assign(store, {
        put: (key: string, value: string, expected?: string) => {
          this.writes++;
          return put(key, value, expected);
        },
      }),
    );
  }
}

const turn = () =>
  new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'test',
    conversation: { id: 'c1', isGroup: false, conversationType: '', name: '' },
    from: { id: 'u', name: '' },
    recipient: { id: 'bot', name: '' },
    text: 'hi',
  });

describe('LineOneConversationState', () => {
  it('writes only a state the turn changed, and reads it back in the next turn', async () => {
    const storage = new CountingStorage();
    const state = new LineOneConversationState(storage);
    const memory = state.createProperty<{ n?: number }>('memory');

    const first = turn();
    (await memory.get(first, {})).n = 1;
    await state.saveChanges(first);
    expect(storage.writes).toBe(1);

    const second = turn();
    expect((await memory.get(second, {})).n).toBe(1);
    await state.saveChanges(second);
    expect(storage.writes).toBe(1); // unchanged: not written

    (await memory.get(second, {})).n = 2;
    await state.saveChanges(second);
    await state.saveChanges(second); // saved already: nothing new
    expect(storage.writes).toBe(2);
    expect((await memory.get(turn(), {})).n).toBe(2);
  });

  it('clear empties the state and saves that; delete removes it from storage', async () => {
    const storage = new CountingStorage();
    const state = new LineOneConversationState(storage);
    const memory = state.createProperty<{ n?: number }>('memory');
    const context = turn();
    (await memory.get(context, {})).n = 1;
    await state.saveChanges(context);

    const cleared = turn();
    await state.load(cleared);
    await state.clear(cleared);
    expect(state.get(cleared)).toEqual({});
    await state.saveChanges(cleared);
    expect(await memory.get(turn())).toBeUndefined();

    const deleted = turn();
    (await memory.get(deleted, {})).n = 3;
    await state.saveChanges(deleted);
    await state.delete(deleted);
    expect(state.get(deleted)).toBeUndefined();
    expect(await memory.get(turn())).toBeUndefined();
  });

  it('a forced save writes even an unchanged or never loaded state', async () => {
    const storage = new CountingStorage();
    const state = new LineOneConversationState(storage);
    const context = turn();
    await state.saveChanges(context, true);
    await state.load(context);
    await state.saveChanges(context, true);
    expect(storage.writes).toBe(2);
  });
});
