// Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes), stored as PHC strings so the parameters can be
// raised later without breaking old hashes. The native module loads on first use with a message saying how to fix it.
import type * as Argon2 from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 2 /* Argon2id */ } as const;

let loaded: Promise<typeof Argon2> | undefined;
function argon2(): Promise<typeof Argon2> {
  loaded ??= import('@node-rs/argon2').catch((cause: unknown) => {
    loaded = undefined;
    throw new Error('desk: @node-rs/argon2 failed to load; run `npm ci` (it installs a prebuilt binary for this platform)', { cause });
  });
  return loaded;
}

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, OPTIONS);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    return await (await argon2()).verify(stored, password);
  } catch {
    return false; // a malformed stored hash never verifies
  }
}

/** Verifies against a throwaway hash, so an unknown user name costs the same time as a wrong password. */
let decoy: Promise<string> | undefined;
export async function spendVerifyTime(password: string): Promise<void> {
  decoy ??= hashPassword('line-one-decoy-password');
  await verifyPassword(password, await decoy);
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
const COMMON = new Set(['password123', '1234567890', 'qwertyuiop', 'abc1234567', 'a123456789', '12345678910', 'admin12345', 'password1234']);

/** Why a new password is not acceptable (in Chinese, for the person choosing it), or undefined when it is. */
export function passwordProblem(password: string, username: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 位`;
  if ([...password].length > MAX_PASSWORD_LENGTH) return `密码最多 ${MAX_PASSWORD_LENGTH} 位`;
  const kinds = [/[a-zA-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (kinds < 2) return '密码需包含字母、数字、符号中的至少两类';
  const lower = password.toLowerCase();
  if (lower.includes(username.toLowerCase())) return '密码不能包含用户名';
  if (COMMON.has(lower)) return '这个密码太常见，请换一个';
  return undefined;
}
