import { ConversationState, type TurnContext } from 'botbuilder';
import { openUnitOf } from '../storage/unit-of-work.ts';
import type { KeyValueBotStorage } from './state-storage.ts';

type State = Record<string, unknown>;

/** What a turn loaded, and its JSON text (to see whether the turn changed it). */
interface Loaded {
  state: State;
  text: string;
}

/**
 * botbuilder's ConversationState, with a cheaper way to see whether a turn changed the state. BotState hashes the
 * whole state three times a turn (at load, before saving and after saving), each a JSON.stringify with a replacer
 * function plus a SHA-256 (18 µs for a 3.8 KB state), and the storage stringifies it once more to write it. This
 * keeps the stored JSON text read at load, and at save stringifies once (6 µs): that text is both the comparison
 * and what is written. Every method that touches the turn's cached state is overridden, so they all agree on where
 * it is kept.
 */
export class LineOneConversationState extends ConversationState {
  private readonly loadedKey = Symbol('lineone.conversationState');

  constructor(private readonly texts: KeyValueBotStorage) {
    super(texts);
  }

  override async load(context: TurnContext, force = false): Promise<any> {
    const loaded = this.loaded(context);
    if (!force && loaded) return loaded.state;
    const text = (await this.texts.readText(await this.storageKey(context))) ?? '{}';
    const state = JSON.parse(text) as State;
    context.turnState.set(this.loadedKey, { state, text } satisfies Loaded);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const loaded = this.loaded(context) ?? (force ? { state: {}, text: '' } : undefined);
    if (!loaded) return;
    const text = textOf(loaded.state);
    if (!force && text === loaded.text) return;
    await this.texts.writeText(await this.storageKey(context), text, openUnitOf(context.turnState));
    loaded.text = text;
    context.turnState.set(this.loadedKey, loaded);
  }

  override async clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.loadedKey, { state: {}, text: '' } satisfies Loaded);
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.loadedKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  override get(context: TurnContext): any {
    return this.loaded(context)?.state;
  }

  private loaded(context: TurnContext): Loaded | undefined {
    return context.turnState.get(this.loadedKey) as Loaded | undefined;
  }
}

/** The state as JSON, without an eTag (botbuilder's storages add one; it is not part of the state). */
function textOf(state: State): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
