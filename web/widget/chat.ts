// Glue between the Direct Line connection and the UI: routes incoming activities, sends the
// visitor's messages (with retry) and turns card/suggested-action clicks into messages.
import { actionLabel, str } from './cards.ts';
import type { ConnectionStatus, DirectLine } from './directline.ts';
import type { MessageList, UserMessage } from './render.ts';
import { randomId } from './storage.ts';
import type { Activity, CardAction } from './types.ts';

interface Pending {
  view: UserMessage;
  echoed: boolean;
}

export const STATUS_TEXT: Record<ConnectionStatus, string | null> = {
  connecting: null, // usually a blink; an error turns into "reconnecting" anyway
  online: null,
  reconnecting: '网络已断开，正在重新连接…',
};

/** Typing activities replayed from history (page reload) are long over. */
function isStale(a: Activity): boolean {
  const t = a.timestamp ? Date.parse(a.timestamp) : NaN;
  return !isNaN(t) && Date.now() - t > 10_000;
}

export class Chat {
  /** clientActivityIDs and server ids of messages sent from this page, to drop their echoes. */
  private readonly own = new Set<string>();
  /** Labels of the buttons the bot offered in this conversation: the only displayText shown instead of text. */
  private readonly offered = new Set<string>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly dl: DirectLine,
    private readonly list: MessageList,
    private readonly onBotMessage: () => void,
  ) {}

  receive(activities: Activity[]): void {
    for (const a of activities) {
      const fromUser = a.from?.role === 'user' || (!!a.from?.id && a.from.id === this.dl.userId);
      if (a.type === 'typing') {
        if (!fromUser && !isStale(a)) this.list.showTyping();
      } else if (a.type === 'message') {
        if (fromUser) this.receiveOwn(a);
        else {
          this.rememberOffers(a);
          this.list.addBot(a);
          this.onBotMessage();
        }
      }
    }
  }

  /** The visitor's message coming back: confirm it if we sent it here, else show it (history). */
  private receiveOwn(a: Activity): void {
    const cid = str(a.channelData?.clientActivityID);
    if ((cid && this.own.has(cid)) || (a.id && this.own.has(a.id))) {
      const p = this.pending.get(cid);
      if (p) {
        p.echoed = true;
        p.view.setState('sent');
        this.pending.delete(cid);
      }
      return;
    }
    // channelData.displayText is whatever the sender put there: it replaces the text the bot received
    // only when it is the label of a button the bot itself offered (what the visitor clicked).
    const display = str(a.channelData?.displayText);
    const shown = display && this.offered.has(display) ? display : str(a.text);
    if (shown) this.list.addUser(shown).setState('sent');
  }

  private rememberOffers(a: Activity): void {
    const actions = [
      ...(Array.isArray(a.suggestedActions?.actions) ? a.suggestedActions.actions : []),
      ...(Array.isArray(a.attachments) ? a.attachments : []).flatMap((att) => {
        const buttons = (att?.content as { buttons?: unknown } | undefined)?.buttons;
        return Array.isArray(buttons) ? (buttons as CardAction[]) : [];
      }),
    ];
    for (const action of actions) {
      if (!action || typeof action !== 'object') continue;
      for (const label of [actionLabel(action), str(action.displayText)]) if (label) this.offered.add(label);
    }
  }

  sendText(text: string): void {
    this.send({ type: 'message', text }, text);
  }

  /** Card buttons and suggested actions (openUrl is a plain link and never gets here). */
  act(action: CardAction): void {
    const label = actionLabel(action);
    const value = action.value;
    if (action.type === 'imBack') {
      const text = str(value) || label;
      this.send({ type: 'message', text }, text);
    } else if (action.type === 'postBack') {
      // The bot receives the value; a text-only bot still gets a string to answer.
      this.send({ type: 'message', text: str(value) || label, value }, label);
    } else if (action.type === 'messageBack') {
      this.send({ type: 'message', text: str(action.text) || undefined, value }, str(action.displayText) || label);
    }
  }

  private send(activity: Activity, shown: string): void {
    const cid = 'lo-' + randomId();
    this.own.add(cid);
    activity.channelData = { clientActivityID: cid };
    // So a reload shows what the visitor clicked, not an internal postBack value.
    if (shown !== activity.text) activity.channelData.displayText = shown;
    let p: Pending;
    const attempt = async () => {
      p.view.setState('sending');
      try {
        const id = await this.dl.send(activity);
        if (id) this.own.add(id);
        if (!p.echoed) p.view.setState('sent');
      } catch {
        if (!p.echoed) p.view.setState('failed');
      }
    };
    p = { view: this.list.addUser(shown, () => void attempt()), echoed: false };
    this.pending.set(cid, p);
    void attempt();
  }
}
