// Ticket numbers: QY + the Asia/Shanghai date + "-" + that day's sequence, at least four digits: QY20261130-0042.
// QY (企业) marks the enterprise line's tickets apart from the general 12345 numbering.
import { shanghaiDate } from './sla/calendar.ts';

export const NUMBER_PREFIX = 'QY';
const NUMBER = /^QY(\d{8})-(\d{4,})$/;

/** The day part of a number created at `instant`: 20261130. */
export const numberDay = (instant: Date) => shanghaiDate(instant).replaceAll('-', '');

export const formatTicketNumber = (day: string, sequence: number) => `${NUMBER_PREFIX}${day}-${String(sequence).padStart(4, '0')}`;

/**
 * A number as a user might type it (lower case, full-width, spaces, no dash) in canonical form, or undefined when it
 * cannot be a ticket number.
 */
export function parseTicketNumber(input: string): string | undefined {
  const compact = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_—－]/g, '');
  const match = /^QY(\d{8})(\d{4,9})$/.exec(compact);
  if (!match) return undefined;
  const canonical = `${NUMBER_PREFIX}${match[1]}-${match[2]}`;
  return NUMBER.test(canonical) ? canonical : undefined;
}
