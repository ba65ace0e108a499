import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The WeChat callback crypto, shared by the Official Account (receiveId = appId) and WeCom's
 * 微信客服 (receiveId = corpId), written on node:crypto and checked against @wecom/crypto in tests:
 *
 * - signature = SHA-1 of the sorted, concatenated [token, timestamp, nonce (, encrypt)];
 * - AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes;
 * - plaintext = 16 random bytes + 4-byte big-endian length + message + receiveId,
 *   PKCS#7-padded to 32-byte blocks (not AES's 16).
 */
export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
}

const BLOCK = 32;

export function sha1Signature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Constant-time comparison of two hex signatures (a wrong length is simply unequal). */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Seconds between `timestamp` (unix seconds, as sent) and now, or Infinity when it is no number. */
export function timestampSkewSeconds(timestamp: string | undefined, now = Date.now()): number {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return Number.POSITIVE_INFINITY;
  return Math.abs(now / 1000 - Number(timestamp));
}

export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly receiveId: string,
  ) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('wechat-crypto: EncodingAESKey must be 43 characters of [A-Za-z0-9+/]');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.receiveId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The message inside; throws WechatCryptoError on bad padding, length or a foreign receiveId. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('wechat-crypto: ciphertext is not whole AES blocks');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (cause) {
      throw new WechatCryptoError('wechat-crypto: decryption failed', { cause });
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('wechat-crypto: bad padding');
    const content = plain.subarray(16, plain.length - pad);
    if (content.length < 4) throw new WechatCryptoError('wechat-crypto: message too short');
    const length = content.readUInt32BE(0);
    if (4 + length > content.length) throw new WechatCryptoError('wechat-crypto: message length out of range');
    const receiveId = content.subarray(4 + length).toString('utf8');
    if (receiveId !== this.receiveId) throw new WechatCryptoError('wechat-crypto: message is for another receiver (appid/corpid mismatch)');
    return content.subarray(4, 4 + length).toString('utf8');
  }
}
