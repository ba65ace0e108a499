// What every page shares, as signals: who is signed in, the catalogue, where we are, and the clock (for countdowns).
import { computed, signal } from '@preact/signals';

export interface Me {
  user: {
    id: string;
    username: string;
    name: string;
    role: 'agent' | 'handler' | 'supervisor' | 'admin';
    department: string | null;
    mustChangePassword: boolean;
  };
  csrfToken: string | null;
  capabilities: string[];
  actions: string[];
}

export interface Catalog {
  categories: { code: string; label: string; department: string; type: string }[];
  departments: { code: string; name: string }[];
  labels: {
    states: Record<string, string>;
    types: Record<string, string>;
    priorities: Record<string, string>;
    redListTiers: Record<string, string>;
    satisfaction: Record<string, string>;
    actions: Record<string, string>;
    roles: Record<string, string>;
  };
}

export const session = signal<Me | null>(null);
export const catalog = signal<Catalog | null>(null);
/** Why the sign-in page is shown (session expired, signed out). */
export const notice = signal<string>('');
export const route = signal<string>(location.hash.slice(1) || '/queue');
export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 15_000);
window.addEventListener('hashchange', () => (route.value = location.hash.slice(1) || '/queue'));

export const can = (capability: string) => session.value?.capabilities.includes(capability) ?? false;
export const isHandler = computed(() => session.value?.user.role === 'handler');

export function navigate(path: string): void {
  if (location.hash.slice(1) !== path) location.hash = path;
}

/** Bumped by the event stream; pages refetch when it moves. */
export const ticketsChanged = signal(0);
export const liveChanged = signal(0);
/** The last change per ticket number (the open ticket refetches when its own number moves). */
export const lastTicketEvent = signal<{ number: string; version: number; actor: string } | null>(null);
/** Viewers per ticket, from presence events. */
export const viewers = signal<Record<string, { id: string; name: string }[]>>({});
/** Live messages and typing, for the open conversation. */
export const liveMessage = signal<{ sessionId: string; message: { id: string; sender: string; authorName: string | null; text: string; at: string } } | null>(
  null,
);
export const liveTyping = signal<{ sessionId: string; at: number } | null>(null);
export const streamOnline = signal(false);

export const label = {
  state: (code: string) => catalog.value?.labels.states[code] ?? code,
  type: (code: string) => catalog.value?.labels.types[code] ?? code,
  action: (code: string) => catalog.value?.labels.actions[code] ?? code,
  tier: (code: string | null) => (code ? (catalog.value?.labels.redListTiers[code] ?? code) : ''),
  category: (code: string) => catalog.value?.categories.find((c) => c.code === code)?.label ?? code,
  department: (code: string | null) => (code ? (catalog.value?.departments.find((d) => d.code === code)?.name ?? code) : '热线（未派单）'),
  role: (code: string) => catalog.value?.labels.roles[code] ?? code,
  satisfaction: (code: string) => catalog.value?.labels.satisfaction[code] ?? code,
};
