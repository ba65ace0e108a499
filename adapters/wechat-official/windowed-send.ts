import type { Logger } from '../../log/logger.ts';
import { DeliveryDeferred, DeliveryFailed } from '../../outbox/errors.ts';
import { WechatApiError, WechatApiUnavailable } from './api-client.ts';
import type { ServiceWindows } from './service-window.ts';

/** How long the outbox should wait before trying again when WeChat's API is down. */
export const API_RETRY_MS = 60_000;

export interface WindowedSendOptions {
  channel: 'wechat-official' | 'wechat-kf';
  windows: ServiceWindows;
  log: Logger;
  /** Appended to the last message the window allows (room for it is kept by the renderer). */
  lastHint: string;
  /** Sends one text through the platform's API. */
  post: (userId: string, text: string) => Promise<void>;
  /** Platform errcodes that mean "the window is over" / "the quota is used" / "never, ask a human". */
  windowClosedCodes: readonly number[];
  quotaUsedCodes: readonly number[];
}

/**
 * Sends texts to one user within their customer-service window, one slot each, in order. The
 * first that cannot go stops the rest; `error` then says why: DeliveryDeferred (window closed,
 * quota used, API down) or DeliveryFailed (the platform refused for another reason, e.g. 95018).
 */
export async function sendWithinWindow(o: WindowedSendOptions, userId: string, texts: readonly string[]): Promise<{ sent: number; error?: Error }> {
  let sent = 0;
  for (const text of texts) {
    try {
      const slot = await o.windows.claim(userId);
      const body = slot.last ? `${text}\n\n${o.lastHint}` : text;
      try {
        await o.post(userId, body);
      } catch (err) {
        await o.windows.release(userId);
        throw err;
      }
      sent++;
    } catch (err) {
      return { sent, error: await classify(o, userId, err) };
    }
  }
  return { sent };
}

async function classify(o: WindowedSendOptions, userId: string, err: unknown): Promise<Error> {
  if (err instanceof DeliveryDeferred) return err;
  if (err instanceof WechatApiUnavailable) {
    o.log.warn({ err, userId }, `${o.channel}: API unavailable, message deferred`);
    return new DeliveryDeferred('api_unavailable', new Date(Date.now() + API_RETRY_MS), err.message, { cause: err });
  }
  if (err instanceof WechatApiError) {
    if (o.windowClosedCodes.includes(err.code) || o.quotaUsedCodes.includes(err.code)) {
      const reason = o.quotaUsedCodes.includes(err.code) ? 'quota_used' : 'window_closed';
      await o.windows.close(userId, reason);
      o.log.info({ userId, errcode: err.code, reason }, `${o.channel}: outside the customer-service window, message held`);
      return new DeliveryDeferred(reason, 'next_inbound', err.message, { cause: err });
    }
    o.log.error({ userId, errcode: err.code, errmsg: err.errmsg }, `${o.channel}: message refused by WeChat`);
    return new DeliveryFailed(o.channel, err.code, err.message, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
