import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.ts';
import { maskText } from '../../log/mask.ts';

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

  it('leaves ordinary numbers, dates and ticket numbers alone', () => {
    expect(maskText('工单号 GD20261129-0042，2026-11-29 办理，金额 123456 元')).toBe('工单号 GD20261129-0042，2026-11-29 办理，金额 123456 元');
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
