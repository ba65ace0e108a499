// Who works a ticket at the hotline (认领 / 分配): the queue's "mine" and "unassigned". The first agent who acts on an
// unassigned ticket takes it; a supervisor may hand it to someone else. Kept apart from the ticket: assignment is the
// desk's way of sharing work, not part of the 工单's lifecycle.
import type { Expression, Kysely } from 'kysely';
import type { DeskTables } from '../schema.ts';

export interface Assignee {
  accountId: string;
  name: string;
  assignedAt: string;
}

export class Assignments {
  private readonly db: Kysely<DeskTables>;

  constructor(
    db: Kysely<any>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = db as Kysely<DeskTables>;
  }

  async of(number: string): Promise<Assignee | undefined> {
    return (await this.ofMany([number])).get(number);
  }

  async ofMany(numbers: readonly string[]): Promise<Map<string, Assignee>> {
    if (numbers.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('desk_assignments as a')
      .leftJoin('desk_accounts as u', 'u.id', 'a.account_id')
      .select(['a.ticket_number', 'a.account_id', 'a.assigned_at', 'u.display_name'])
      .where('a.ticket_number', 'in', [...numbers])
      .execute();
    return new Map(rows.map((r) => [r.ticket_number, { accountId: r.account_id, name: r.display_name ?? '（已删除的账号）', assignedAt: r.assigned_at }]));
  }

  /** Gives the ticket to an active account, or to nobody (null). Returns false when there is no such account. */
  async assign(number: string, accountId: string | null, by: string): Promise<boolean> {
    if (accountId === null) {
      await this.db.deleteFrom('desk_assignments').where('ticket_number', '=', number).execute();
      return true;
    }
    const account = await this.db.selectFrom('desk_accounts').select('id').where('id', '=', accountId).where('disabled', '=', 0).executeTakeFirst();
    if (!account) return false;
    const at = this.clock().toISOString();
    await this.db
      .insertInto('desk_assignments')
      .values({ ticket_number: number, account_id: accountId, assigned_at: at, assigned_by: by })
      .onConflict((oc) => oc.column('ticket_number').doUpdateSet({ account_id: accountId, assigned_at: at, assigned_by: by }))
      .execute();
    return true;
  }

  /** Takes the ticket for the account unless someone has it already; true when it did. */
  async claimIfFree(number: string, accountId: string): Promise<boolean> {
    const result = await this.db
      .insertInto('desk_assignments')
      .values({ ticket_number: number, account_id: accountId, assigned_at: this.clock().toISOString(), assigned_by: accountId })
      .onConflict((oc) => oc.column('ticket_number').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The numbers assigned to one account, as a subquery for the queue's filter. */
  mine(accountId: string): Expression<any> {
    return this.db.selectFrom('desk_assignments').select('ticket_number').where('account_id', '=', accountId);
  }

  /** Every assigned number, as a subquery ("unassigned" is not in it). */
  all(): Expression<any> {
    return this.db.selectFrom('desk_assignments').select('ticket_number');
  }
}
