// The small pure modules the chat intake reuses: credit-code and mobile validators, text cleaning, ticket numbers.
import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar } from '../../tickets/credit-code.ts';
import { checkMobile } from '../../tickets/mobile.ts';
import { formatTicketNumber, parseTicketNumber } from '../../tickets/number.ts';
import { capRequest, cleanText } from '../../tickets/sanitize.ts';

describe('统一社会信用代码 validator', () => {
  it.each([
    ['the standard example', '91350100M000100Y43', '91350100M000100Y43'],
    ['lower case', '91350100m000100y43', '91350100M000100Y43'],
    ['spaces and dashes as copied from a licence', '9135 0100-M000 100Y43', '91350100M000100Y43'],
    ['full-width characters', '９１３５０１００Ｍ０００１００Ｙ４３', '91350100M000100Y43'],
  ])('accepts %s', (_name, input, code) => {
    expect(checkCreditCode(input)).toEqual({ ok: true, code });
  });

  it.each([
    ['empty', '', 'empty', '请输入 18 位统一社会信用代码。'],
    ['too short', '91350100M00010', 'length', '统一社会信用代码应为 18 位，您输入的是 14 位，请核对。'],
    ['too long', '91350100M000100Y431', 'length', '统一社会信用代码应为 18 位，您输入的是 19 位，请核对。'],
    [
      'the letter O for zero',
      '91350100MO00100Y43',
      'forbidden',
      '统一社会信用代码不使用字母 I、O、S、V、Z，您输入的代码中有“O”，请核对（常见的是把数字 0、1、2、5 看成了字母）。',
    ],
    [
      'I and Z',
      '9I350100M000100Z43',
      'forbidden',
      '统一社会信用代码不使用字母 I、O、S、V、Z，您输入的代码中有“I、Z”，请核对（常见的是把数字 0、1、2、5 看成了字母）。',
    ],
    ['punctuation', '91350100M000100Y4.', 'illegal', '统一社会信用代码只包含数字和大写字母，您输入的代码中有“.”，请核对。'],
    ['a wrong check character', '91350100M000100Y44', 'check_digit', '统一社会信用代码的最后一位校验码对不上，可能有一位输错了，请对照营业执照再核对一遍。'],
  ])('explains %s in Chinese', (_name, input, problem, message) => {
    expect(checkCreditCode(input)).toMatchObject({ ok: false, problem, message });
  });

  it('catches every single-character substitution in the first 17 characters', () => {
    const set = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const valid = '91350100M000100Y43';
    for (let i = 0; i < 17; i++) {
      for (const c of set) {
        if (c === valid[i]) continue;
        const typo = valid.slice(0, i) + c + valid.slice(i + 1);
        expect(checkCreditCode(typo).ok, typo).toBe(false);
      }
    }
    expect(creditCodeCheckChar(valid.slice(0, 17))).toBe('3');
  });
});

describe('mobile validator', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['008619912345678', '19912345678'],
    ['１３８００１３８０００', '13800138000'],
  ])('accepts %s', (input, mobile) => {
    expect(checkMobile(input)).toEqual({ ok: true, mobile });
  });

  it.each([
    ['', 'empty', '请输入 11 位手机号码。'],
    ['1380013800', 'length', '手机号码应为 11 位，您输入的是 10 位，请核对。'],
    ['138001380001', 'length', '手机号码应为 11 位，您输入的是 12 位，请核对。'],
    ['1380013800a', 'illegal', '手机号码只能包含数字，请重新输入。'],
    ['12800138000', 'prefix', '手机号码应以 13–19 开头，请核对；如只有固定电话，请告诉我们座机号码。'],
    ['059187654321', 'length', '手机号码应为 11 位，您输入的是 12 位，请核对。'],
  ])('refuses %j (%s) with a Chinese explanation', (input, problem, message) => {
    expect(checkMobile(input)).toEqual({ ok: false, problem, message });
  });
});

describe('text cleaning', () => {
  it.each([
    ['keeps HTML as literal text', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['drops control characters', 'a\u0000b\u0007c\u001Bd\u007F', 'abcd'],
    ['drops bidi overrides and zero-width characters', '\u202Eabc\u200B\uFEFF', 'abc'],
    ['turns line breaks into spaces in a one-line field', '张\r\n三\t丰', '张 三 丰'],
    ['replaces half a surrogate pair', 'a\uD800b', 'a\uFFFDb'],
    ['keeps emoji whole', '好评👍', '好评👍'],
  ])('%s', (_name, input, output) => {
    expect(cleanText(input, 100)).toBe(output);
  });

  it('keeps newlines in multi-line text and caps by characters, not UTF-16 units', () => {
    expect(cleanText('第一行\r\n第二行', 100, true)).toBe('第一行\n第二行');
    expect(cleanText('👍👍👍', 2)).toBe('👍👍');
  });

  it('caps a long request and says how long the original was', () => {
    const capped = capRequest('字'.repeat(5000));
    expect(capped.truncated).toBe(true);
    expect(capped.text).toBe(`${'字'.repeat(2000)}……（原文共 5000 字，超出 2000 字的部分未保存，请向来电人核实）`);
    expect(capRequest('短')).toEqual({ text: '短', truncated: false });
  });
});

describe('ticket numbers', () => {
  it.each([
    ['QY20261130-0042', 'QY20261130-0042'],
    ['qy20261130-0042', 'QY20261130-0042'],
    ['QY 20261130 0042', 'QY20261130-0042'],
    ['ＱＹ２０２６１１３０－００４２', 'QY20261130-0042'],
    ['QY202611300042', 'QY20261130-0042'],
    ['QY20261130-12345', 'QY20261130-12345'],
  ])('reads %j as %s', (input, number) => {
    expect(parseTicketNumber(input)).toBe(number);
  });

  it.each(['', '20261130-0042', 'QY2026113-0042', 'QY20261130-042', "QY20261130-0042' or 1=1"])('refuses %j', (input) => {
    expect(parseTicketNumber(input)).toBeUndefined();
  });

  it('pads the sequence to four digits and grows past 9999', () => {
    expect(formatTicketNumber('20261130', 7)).toBe('QY20261130-0007');
    expect(formatTicketNumber('20261130', 10000)).toBe('QY20261130-10000');
  });
});
