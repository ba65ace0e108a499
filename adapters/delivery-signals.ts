// Signals the WeChat channels raise for the delivery outbox (the errors they throw live in outbox/errors.ts).

/** A user wrote to us: the outbox may now release what it held for them ('next_inbound'). */
export interface InboundSignal {
  channel: 'wechat-official' | 'wechat-kf' | 'wechaty';
  /** The user as the channel knows them: OA openid, kf external_userid, Wechaty contact id. */
  userId: string;
  /** The conversation the held messages belong to (what continueConversation takes). */
  conversationId: string;
  at: Date;
}

export type InboundListener = (signal: InboundSignal) => void;

/**
 * Replies of a user's own turn that could not be sent (the turn has no caller to raise to: the
 * Official Account answered "success" already, 微信客服 and Wechaty send after the fact). The
 * composition root hands them to the delivery outbox, which re-sends them with continueConversation.
 */
export interface UndeliveredReplies {
  channel: InboundSignal['channel'];
  conversationId: string;
  userId: string;
  /** The texts not sent, in order, as plain message activities. */
  texts: string[];
  error: Error;
}

export type UndeliveredListener = (undelivered: UndeliveredReplies) => void;

/** A tiny listener list: listeners run synchronously and one that throws does not stop the rest. */
export class Hook<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(signal: T, onError: (err: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(signal);
      } catch (err) {
        onError(err);
      }
    }
  }
}
