// Mainland China mobile numbers: 11 digits starting 13–19. Pure, for the chat intake and the ticket service.
import { MOBILE_MESSAGES } from './labels.ts';

const DECORATION = /[\s\-()（）]/g;
const COUNTRY_PREFIX = /^(\+86|0086|86)(?=\d{11}$)/;

export type MobileProblem = 'empty' | 'illegal' | 'length' | 'prefix';

export type MobileCheck = { ok: true; mobile: string } | { ok: false; problem: MobileProblem; message: string };

export function checkMobile(input: string): MobileCheck {
  const compact = input.normalize('NFKC').replace(DECORATION, '').replace(COUNTRY_PREFIX, '');
  if (compact === '') return { ok: false, problem: 'empty', message: MOBILE_MESSAGES.empty };
  if (!/^\d+$/.test(compact)) return { ok: false, problem: 'illegal', message: MOBILE_MESSAGES.illegal };
  if (compact.length !== 11) return { ok: false, problem: 'length', message: MOBILE_MESSAGES.length(compact.length) };
  if (!/^1[3-9]/.test(compact)) return { ok: false, problem: 'prefix', message: MOBILE_MESSAGES.prefix };
  return { ok: true, mobile: compact };
}
