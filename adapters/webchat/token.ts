import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a Direct Line token grants: one conversation, as one user, until it expires. */
export interface TokenClaims {
  conversationId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const MAX_CACHED_TOKENS = 20_000;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Compact HS256 JWTs: small, standard, and checked without a dependency. Tokens are signed with a key
 * of their own, never with the Direct Line secret that site back-ends hold: handing out or rotating
 * the secret does not let anyone mint tokens, and a leaked signing key is not the secret.
 */
export class TokenService {
  constructor(
    private readonly signingKey: string,
    readonly ttlSeconds: number,
    private readonly now: () => number = () => Date.now(),
    /** The Direct Line secret (DIRECTLINE_SECRET); without one, no caller is a secret holder. */
    private readonly secret?: string,
  ) {
    if (secret !== undefined && secret === signingKey) throw new Error('directline: the token-signing key must differ from the secret');
  }

  issue(conversationId: string, userId: string): { token: string; expires_in: number } {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const payload = Buffer.from(JSON.stringify({ conv: conversationId, user: userId, exp, iss: 'line-one' })).toString('base64url');
    return { token: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, expires_in: this.ttlSeconds };
  }

  /** Tokens already checked, until they expire: every request of a conversation carries the same token. */
  private readonly verified = new Map<string, TokenClaims>();

  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(token: string): TokenClaims | undefined {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 > this.now()) return known;
      this.verified.delete(token);
      return undefined;
    }
    const claims = this.check(token);
    if (claims) {
      if (this.verified.size >= MAX_CACHED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private check(token: string): TokenClaims | undefined {
    const [header, payload, signature, extra] = token.split('.');
    if (!header || !payload || !signature || extra !== undefined || header !== HEADER) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof claims.conv !== 'string' || typeof claims.user !== 'string' || typeof claims.exp !== 'number') return undefined;
      if (claims.exp * 1000 <= this.now()) return undefined;
      return { conversationId: claims.conv, userId: claims.user, exp: claims.exp };
    } catch {
      return undefined;
    }
  }

  /** Constant-time check of a server-side caller's Direct Line secret. */
  isSecret(candidate: string): boolean {
    if (!this.secret) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private sign(data: string): string {
    return createHmac('sha256', this.signingKey).update(data).digest('base64url');
  }
}
