import { describe, expect, it } from 'vitest';
import { TokenService } from '../../adapters/webchat/token.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

describe('Direct Line tokens', () => {
  it('binds a token to one conversation and user, and refuses tampering or another key', () => {
    const tokens = new TokenService(SECRET, 60);
    const { token } = tokens.issue('conv-1', 'dl_u1');
    expect(tokens.verify(token)).toMatchObject({ conversationId: 'conv-1', userId: 'dl_u1' });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ conv: 'conv-2', user: 'dl_u1', exp: 9e9, iss: 'line-one' })).toString('base64url');
    expect(tokens.verify(`${h}.${forged}.${s}`)).toBeUndefined();
    expect(tokens.verify(`${h}.${p}.${s}x`)).toBeUndefined();
    expect(new TokenService(`${SECRET}-other`, 60).verify(token)).toBeUndefined();
  });

  it('a token verified once (and cached) still stops working when it expires', () => {
    let now = Date.now();
    const tokens = new TokenService(SECRET, 60, () => now);
    const { token } = tokens.issue('conv-1', 'dl_u1');
    expect(tokens.verify(token)).toBeDefined();
    expect(tokens.verify(token)).toBeDefined(); // from the cache
    now += 61_000;
    expect(tokens.verify(token)).toBeUndefined();
  });
});
