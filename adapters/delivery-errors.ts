/**
 * What a channel tells the delivery outbox when an outgoing message did not reach the user.
 *
 * - `DeliveryDeferred`: not now, but nothing is wrong with the message. Hold it and try again
 *   when `retryWhen` says: at the user's next inbound message ('next_inbound': WeChat only lets a
 *   service write within 48 hours of the user's last message, 5 messages at most), or at a time
 *   (the platform's API was unreachable).
 * - `DeliveryFailed`: the platform refused this message for a reason a retry will not fix by
 *   itself (e.g. WeCom 95018: a human 接待人员 owns the session). The desk should show `code`.
 */
export type DeferReason = 'window_closed' | 'quota_used' | 'api_unavailable' | 'channel_offline';
export type RetryWhen = 'next_inbound' | Date;

export class DeliveryDeferred extends Error {
  override name = 'DeliveryDeferred';
  constructor(
    readonly reason: DeferReason,
    readonly retryWhen: RetryWhen,
    message = `delivery: deferred (${reason}), retry ${retryWhen === 'next_inbound' ? 'when the user writes again' : `after ${retryWhen.toISOString()}`}`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    /** The channel that refused ('wechat-official', 'wechat-kf', 'wechaty'). */
    readonly channel: string,
    /** The platform's error code (e.g. 95018), or a short word when there is none. */
    readonly code: number | string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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
