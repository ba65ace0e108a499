import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.ts';
import { maskDeep, maskIdentityNumbers, maskText } from '../../log/mask.ts';

/** Appends the Luhn check digit (bank card numbers in tests must be valid ones). */
function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const n = `${body}${d}`;
    let sum = 0;
    for (let i = 0; i < n.length; i++) {
      let x = Number(n[n.length - 1 - i]);
      if (i % 2 === 1) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
      sum += x;
    }
    if (sum % 10 === 0) return n;
  }
  throw new Error('unreachable');
}
const CARD_19 = withLuhn('622260026000107244');
const CARD_16 = withLuhn('622848003300123');

describe('maskText', () => {
  it.each([
    ['我的手机13812345678请回电', '我的手机138****5678请回电'],
    ['身份证110101199003071234', '身份证110101********1234'],
    ['身份证 11010119900307123X 尾号X', '身份证 110101********123X 尾号X'],
    ['信用代码91350100M000100Y43', '信用代码91350100******0Y43'],
    ['座机 0591-87654321', '座机 0591-****4321'],
    ['缴费基数5000元，比例16%', '缴费基数5000元，比例16%'],
  ])('%s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it.each([
    ['URL-encoded text around a number', '/x?q=%E6%89%8B%E6%9C%BA13812345678', '/x?q=手机138****5678'],
    ['URL-encoded +86 and spaces', 'tel=%2B86%20138%201234%205678', 'tel=+86 138 **** 5678'],
    ['+86 prefix', '+8613812345678', '+86138****5678'],
    ['+86 with spaces', '+86 138 1234 5678', '+86 138 **** 5678'],
    ['0086 prefix', '0086-13812345678', '0086-138****5678'],
    ['(+86) prefix', '(+86)13812345678', '(+86)138****5678'],
    ['spaces between groups', '手机 138 1234 5678 谢谢', '手机 138 **** 5678 谢谢'],
    ['hyphens between groups', '138-1234-5678', '138-****-5678'],
    ['full-width digits', '电话：１３８１２３４５６７８', '电话：138****5678'],
    ['full-width ID', '身份证１１０１０１１９９００３０７１２３Ｘ', '身份证110101********123X'],
    ['15-digit ID', '身份证110101900307123号', '身份证110101******123号'],
    ['lower-case credit code', '代码91350100m000100y43', '代码91350100******0y43'],
    ['bank card, 19 digits', `卡号${CARD_19}`, `卡号${CARD_19.slice(0, 6)}*********${CARD_19.slice(-4)}`],
    [
      'bank card in groups of four',
      `卡号 ${CARD_16.replace(/(\d{4})(?=\d)/g, '$1 ')}`,
      `卡号 ${CARD_16.slice(0, 4)} ${CARD_16.slice(4, 6)}** **** ${CARD_16.slice(-4)}`,
    ],
    ['e-mail', '邮箱 wang.kuaiji@example.com.cn 联系', '邮箱 w***@example.com.cn 联系'],
    ['bearer token', 'Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['JWT in a URL', '/stream?watermark=0&t=eyJhbGciOiJIUzI1NiJ9.eyJjb252IjoiYSJ9.c2lnbmF0dXJl', '/stream?watermark=0&t=[jwt]'],
  ])('masks %s', (_form, input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it('leaves ordinary numbers, dates and ticket numbers alone', () => {
    expect(maskText('工单号 GD20261129-0042，2026-11-29 办理，金额 123456 元')).toBe('工单号 GD20261129-0042，2026-11-29 办理，金额 123456 元');
    const ordinary =
      '金额 1,234,567.89 元，工单 QY20261130-0042，时间 2026-11-30T02:19:39.962Z，1732931979962 ms，第 13 条，比例16%，v20.20.2，端口 3978，卡号样 1234567812345678';
    expect(maskText(ordinary)).toBe(ordinary);
  });

  it('redacts credential fields whatever their value looks like', () => {
    expect(maskDeep({ headers: { authorization: 'Basic Zm9vOmJhcg==', cookie: 'sid=1', accept: '*/*' } })).toEqual({
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' },
    });
  });

  it('masks only identity and bank-card numbers for transcripts', () => {
    expect(maskIdentityNumbers(`电话13812345678，身份证110101199003071234，卡${CARD_19}`)).toBe(
      `电话13812345678，身份证110101********1234，卡${CARD_19.slice(0, 6)}*********${CARD_19.slice(-4)}`,
    );
  });
});

describe('logger', () => {
  it('masks personal numbers in messages and in nested fields', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger('info', sink);
    log.info({ activity: { text: '电话13912345678，身份证110101199003071234' } }, '用户 13912345678 来电');
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record.msg).toBe('用户 139****5678 来电');
    expect(record.activity.text).toBe('电话139****5678，身份证110101********1234');
    expect(lines.join('')).not.toContain('13912345678');
  });
});
