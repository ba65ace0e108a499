/**
 * How a channel tells the outbox that a message cannot go out now. Channels throw these from their
 * `continueConversation`; the outbox keeps the message and acts on the kind. Anything else thrown is treated as
 * a passing failure and retried with backoff.
 */

/** The channel will take the message later: when the user writes again, or from a given time. */
export class DeliveryDeferred extends Error {
  override name = 'DeliveryDeferred';
  constructor(
    message: string,
    readonly retryWhen: 'next_inbound' | Date,
  ) {
    super(message);
  }
}

/** The channel refused the message for a reason retrying will not fix (e.g. the session belongs to someone else). */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    /** The channel's own code (e.g. WeChat's 95018), for the desk to show. */
    readonly code: string,
  ) {
    super(message);
  }
}
