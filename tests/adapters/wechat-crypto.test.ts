import { randomBytes } from 'node:crypto';
import { decrypt as referenceDecrypt, encrypt as referenceEncrypt, getSignature } from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { sha1Signature, signatureMatches, timestampSkewSeconds, WechatCipher, WechatCryptoError } from '../../adapters/wechat-official/crypto.ts';
import { buildWechatXml, extractEncrypt, parseWechatXml, WechatXmlError } from '../../adapters/wechat-official/xml.ts';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wx5823bf96d3bd56c7';

describe('wechat crypto agrees with @wecom/crypto both ways', () => {
  const cipher = new WechatCipher(AES_KEY, APP_ID);
  const messages = ['<xml><Content><![CDATA[你好]]></Content></xml>', '', 'a'.repeat(31), 'b'.repeat(32), '社保'.repeat(700)];

  it.each(messages.map((m) => [m.slice(0, 20), m]))('ours → reference: %s', (_label, message) => {
    const random = randomBytes(16);
    const ours = cipher.encrypt(message, random);
    expect(ours).toBe(referenceEncrypt(AES_KEY, message, APP_ID, random));
    expect(referenceDecrypt(AES_KEY, ours)).toMatchObject({ message, id: APP_ID });
  });

  it.each(messages.map((m) => [m.slice(0, 20), m]))('reference → ours: %s', (_label, message) => {
    expect(cipher.decrypt(referenceEncrypt(AES_KEY, message, APP_ID))).toBe(message);
  });

  it('signatures agree, with and without the encrypted part', () => {
    expect(sha1Signature('token', '1409659813', '1372623149', 'ENC')).toBe(getSignature('token', '1409659813', '1372623149', 'ENC'));
    // The plain URL signature is the same construction over three parts.
    expect(sha1Signature('token', '1409659813', '1372623149')).toMatch(/^[0-9a-f]{40}$/);
    expect(signatureMatches(sha1Signature('a', 'b'), sha1Signature('b', 'a'))).toBe(true);
    expect(signatureMatches(sha1Signature('a', 'b'), undefined)).toBe(false);
    expect(signatureMatches(sha1Signature('a', 'b'), 'short')).toBe(false);
  });

  it('refuses a message for another app, a tampered ciphertext and a bad key', () => {
    const foreign = new WechatCipher(AES_KEY, 'wxother').encrypt('hi');
    expect(() => cipher.decrypt(foreign)).toThrow(WechatCryptoError);
    const bytes = Buffer.from(cipher.encrypt('hello'), 'base64');
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    expect(() => cipher.decrypt(bytes.toString('base64'))).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt('not-base64!')).toThrow(WechatCryptoError);
    expect(() => new WechatCipher('short', APP_ID)).toThrow(WechatCryptoError);
  });

  it('measures timestamp skew; garbage is infinitely old', () => {
    const now = 1_800_000_000_000;
    expect(timestampSkewSeconds('1800000000', now)).toBe(0);
    expect(timestampSkewSeconds(String(1_800_000_000 - 3 * 3600), now)).toBe(3 * 3600);
    expect(timestampSkewSeconds('abc', now)).toBe(Number.POSITIVE_INFINITY);
    expect(timestampSkewSeconds(undefined, now)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('wechat XML', () => {
  it('reads fields as strings (a 64-bit MsgId keeps every digit) and CDATA verbatim', () => {
    const fields = parseWechatXml('<xml><MsgId>23637352235060880</MsgId><Content><![CDATA[a < b & c]]></Content><CreateTime>1</CreateTime></xml>');
    expect(fields).toEqual({ MsgId: '23637352235060880', Content: 'a < b & c', CreateTime: '1' });
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>', 'forbidden'],
    ['external entity', '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>', 'forbidden'],
    ['malformed', '<xml><Content>hi</Other></xml>', 'malformed'],
    ['no xml root', '<root><a>1</a></root>', 'malformed'],
    ['oversized', `<xml><Content>${'x'.repeat(20_000)}</Content></xml>`, 'too_large'],
  ])('refuses %s', (_name, body, kind) => {
    expect(() => parseWechatXml(body)).toThrow(expect.objectContaining({ kind }) as WechatXmlError);
  });

  it('writes CDATA that survives "]]>" and reads back', () => {
    const xml = buildWechatXml({ Content: 'x]]>y', CreateTime: 5 });
    expect(xml).toBe('<xml><Content><![CDATA[x]]]]><![CDATA[>y]]></Content><CreateTime>5</CreateTime></xml>');
    expect(parseWechatXml(xml)).toEqual({ Content: 'x]]>y', CreateTime: '5' });
  });

  it('finds the Encrypt field without parsing', () => {
    expect(extractEncrypt('<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[QUJD+/=]]></Encrypt></xml>')).toBe('QUJD+/=');
    expect(extractEncrypt('<xml><Encrypt>QUJD</Encrypt></xml>')).toBe('QUJD');
    expect(extractEncrypt('<xml><Encrypt><![CDATA[<evil>]]></Encrypt></xml>')).toBeUndefined();
  });
});
