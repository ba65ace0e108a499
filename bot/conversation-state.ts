import { ConversationState, type TurnContext } from 'botbuilder';

type State = Record<string, unknown>;

/** What a turn loaded, and its JSON text then (to see whether the turn changed it). */
interface Loaded {
  state: State;
  text: string;
}

/**
 * botbuilder's ConversationState, with a cheaper way to see whether a turn changed the state. BotState hashes the
 * whole state three times a turn (at load, before saving and after saving), each a JSON.stringify with a replacer
 * function plus a SHA-256: 18 µs for a 3.8 KB state, about 55 µs a turn. This keeps the plain JSON text taken at
 * load and compares it with the text at save (6 µs each). Every method that touches the turn's cached state is
 * overridden, so they all agree on where it is kept.
 */
export class LineOneConversationState extends ConversationState {
  private readonly loadedKey = Symbol('lineone.conversationState');

  override async load(context: TurnContext, force = false): Promise<any> {
    const loaded = this.loaded(context);
    if (!force && loaded) return loaded.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] ?? {}) as State;
    context.turnState.set(this.loadedKey, { state, text: textOf(state) } satisfies Loaded);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const loaded = this.loaded(context) ?? (force ? { state: {}, text: '' } : undefined);
    if (!loaded) return;
    const text = textOf(loaded.state);
    if (!force && text === loaded.text) return;
    const key = await this.storageKey(context);
    // As BotState does: the last writer wins (no eTag check on conversation state).
    loaded.state.eTag = '*';
    await this.storage.write({ [key]: loaded.state });
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

/** The state as JSON, without the eTag storage adds (it is not a change). */
function textOf(state: State): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
