// Finds tickets past their due time and sends the department a 催办, once per overdue period (one working day by
// default, sla.yaml's overdueReminderEvery): when first found overdue, then again each period it stays overdue.
// Several instances may run it: each reminder is a versioned change, so only one of them records it.
import type { Logger } from '../log/logger.ts';
import { TicketVersionConflictError } from './errors.ts';
import { overdueReminderNote } from './labels.ts';
import { SYSTEM_ACTOR, WITH_DEPARTMENT, type Ticket } from './model.ts';
import type { TicketQueries } from './queries.ts';
import type { TicketService } from './service.ts';
import { formatDueTime } from './sla/format.ts';
import type { SlaPolicy } from './sla/policy.ts';

export interface OverdueRun {
  at: string;
  /** Open tickets with a department that are past due. */
  overdue: number;
  /** Reminders recorded by this run. */
  reminded: number;
  /** Tickets already reminded for their current overdue period. */
  alreadyReminded: number;
  /** Changed by someone else meanwhile: tried again next run. */
  conflicts: number;
  /** Failed for another reason (logged); tried again next run. */
  failed: number;
}

export interface OverdueWatcherOptions {
  service: TicketService;
  queries: TicketQueries;
  sla: SlaPolicy;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How often to look; default five minutes. */
  intervalMs?: number;
  clock?: () => Date;
}

export class OverdueWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<OverdueRun> | undefined;
  private last: OverdueRun | undefined;

  constructor(private readonly options: OverdueWatcherOptions) {}

  /** Looks every intervalMs until stop(); the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    const every = this.options.intervalMs ?? 5 * 60_000;
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.options.log.error({ err }, 'tickets: overdue watcher run failed'));
    }, every);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** The last run's figures (undefined before the first run). */
  get lastRun(): OverdueRun | undefined {
    return this.last;
  }

  /** One pass at `now`. Overlapping calls share the pass in progress. */
  runOnce(now?: Date): Promise<OverdueRun> {
    this.running ??= this.pass(now ?? (this.options.clock ?? (() => new Date()))()).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<OverdueRun> {
    const run: OverdueRun = { at: now.toISOString(), overdue: 0, reminded: 0, alreadyReminded: 0, conflicts: 0, failed: 0 };
    for (const ticket of await this.options.queries.overdue(now, WITH_DEPARTMENT, 10_000)) {
      run.overdue++;
      const key = this.periodKey(ticket, now);
      if (ticket.overdueReminderKey === key) {
        run.alreadyReminded++;
        continue;
      }
      try {
        await this.options.service.act(
          ticket.number,
          { action: 'remind', note: overdueReminderNote(formatDueTime(ticket.dueAt, now)), overdueKey: key },
          { actor: SYSTEM_ACTOR, expectedVersion: ticket.version },
        );
        run.reminded++;
      } catch (err) {
        if (err instanceof TicketVersionConflictError) run.conflicts++;
        else {
          run.failed++;
          this.options.log.error({ err, ticket: ticket.number }, 'tickets: overdue reminder failed');
        }
      }
    }
    if (run.reminded > 0) this.options.log.info({ ...run }, 'tickets: overdue reminders sent');
    this.last = run;
    return run;
  }

  /** Which overdue period `now` is in for this due time: a moved due time starts a new count. */
  private periodKey(ticket: Ticket, now: Date): string {
    const overdueMs = this.options.sla.calendar.workingMillisBetween(new Date(ticket.dueAt), now);
    return `${ticket.dueAt}#${Math.floor(overdueMs / this.options.sla.reminderPeriodMs)}`;
  }
}
