// Who may do what at the desk. One table per question: which ticket actions a role may take, and which parts of the
// desk it may open. Every route asks here; nothing else decides.
import { COMMAND_ACTIONS, type CommandAction } from '../../tickets/commands.ts';
import type { Actor } from '../../tickets/model.ts';

/** 坐席 / 承办单位 / 班长 / 管理员 */
export const ROLES = ['agent', 'handler', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { agent: '坐席', handler: '承办单位', supervisor: '班长', admin: '管理员' };

/** The person (or the machine token) behind a desk request. */
export interface DeskUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  /** A handler's department code; null for every other role. */
  department: string | null;
  mustChangePassword: boolean;
  /** session: a person signed in with the cookie; token: the DESK_ADMIN_TOKEN (scripts). */
  via: 'session' | 'token';
  /** The signed-in session (absent for the token): its id (the token's hash) and CSRF token. */
  session?: { id: string; csrfToken: string; expiresAt: Date };
}

/** The hotline's own work: from the queue to the reply, the close and the 回访 call. */
const HOTLINE: readonly CommandAction[] = ['dispatch', 'reply', 'resolve', 'close', 'reopen', 'merge', 'note', 'recategorize', 'remind', 'rate'];
/** What a department does with what it was given. */
const DEPARTMENT: readonly CommandAction[] = ['accept', 'return', 'start', 'reply', 'request_extension', 'resolve', 'note'];
/** The shift lead decides on extensions and supervises. */
const SUPERVISOR: readonly CommandAction[] = [...HOTLINE, 'approve_extension', 'refuse_extension', 'supervise'];

export const ACTIONS_BY_ROLE: Readonly<Record<Role, readonly CommandAction[]>> = {
  agent: HOTLINE,
  handler: DEPARTMENT,
  supervisor: SUPERVISOR,
  // The administrator (and the machine token) can act for anyone: scripts and repairs.
  admin: COMMAND_ACTIONS,
};

export type Capability =
  | 'tickets.all' // every department's tickets (a handler sees only its own)
  | 'tickets.create' // a ticket taken by phone
  | 'assign.self'
  | 'assign.others'
  | 'live' // 接管: talk to users live
  | 'dashboard'
  | 'export'
  | 'canned.manage'
  | 'accounts'
  | 'redlist';

const STAFF: readonly Capability[] = ['tickets.all', 'tickets.create', 'assign.self', 'live'];
const LEAD: readonly Capability[] = [...STAFF, 'assign.others', 'dashboard', 'export', 'canned.manage'];

const CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  agent: STAFF,
  handler: [],
  supervisor: LEAD,
  admin: [...LEAD, 'accounts', 'redlist'],
};

export const can = (user: Pick<DeskUser, 'role'>, capability: Capability): boolean => CAPABILITIES[user.role].includes(capability);

export const mayAct = (user: Pick<DeskUser, 'role'>, action: CommandAction): boolean => ACTIONS_BY_ROLE[user.role].includes(action);

/** Whether the user may see a ticket held by `department` (null: still with the hotline). */
export const maySee = (user: Pick<DeskUser, 'role' | 'department'>, department: string | null): boolean =>
  can(user, 'tickets.all') || (user.department !== null && department === user.department);

/** Recorded on every ticket change the user makes. */
export function actorOf(user: DeskUser): Actor {
  return { kind: user.role === 'handler' ? 'department' : 'agent', id: user.id, name: user.name };
}

export function capabilitiesOf(user: Pick<DeskUser, 'role'>): readonly Capability[] {
  return CAPABILITIES[user.role];
}
