/**
 * How a channel tells the delivery outbox that an outgoing message did not reach the user. Channels throw these
 * from `continueConversation`; the outbox keeps the message and acts on the kind. Anything else thrown is a
 * passing failure, retried with backoff.
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
