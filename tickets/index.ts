// The ticket domain, assembled: what the composition root opens once and hands to the chat and the desk.
import type { Kysely } from 'kysely';
import type { Logger } from '../log/logger.ts';
import { TicketLookups } from './lookups.ts';
import type { TicketNotices } from './notices.ts';
import { OverdueWatcher } from './overdue-watcher.ts';
import { TicketQueries } from './queries.ts';
import { RedListStore } from './redlist/redlist-store.ts';
import { Catalog, DEFAULT_CATEGORIES_FILE } from './routing/catalog.ts';
import type { CategoryPredictor } from './routing/predictor-port.ts';
import { type TicketChange, TicketService } from './service.ts';
import { SlaPolicy } from './sla/policy.ts';

export type { TicketChange } from './service.ts';

export interface OpenTicketsOptions {
  /** The application's database, migrated with ticketsSchema. */
  db: Kysely<any>;
  /** Where user notices go (the bot's outbox). */
  notices: TicketNotices;
  log: Logger;
  /** Default tickets/config/categories.yaml. */
  categoriesFile?: string;
  /** Default tickets/config/sla.yaml. */
  slaFile?: string;
  /** Default tickets/config/calendar/. */
  calendarDir?: string;
  /**
   * Predicts the category of tickets opened without one. Default: the built-in model, trained from
   * tickets/routing/examples/ (about half a second) or loaded from `modelDir`. null: such tickets get the fallback category.
   */
  predictor?: CategoryPredictor | null;
  /** Where the built-in model is saved after training and found again at the next start (unchanged inputs). */
  modelDir?: string;
  /** How often the overdue watcher looks (it starts only when watcher.start() is called). Default 5 minutes. */
  overdueIntervalMs?: number;
  clock?: () => Date;
  /** Told after every committed change (creation included): the desk's live updates. */
  onChanged?: (change: TicketChange) => void;
}

export interface Tickets {
  service: TicketService;
  lookups: TicketLookups;
  queries: TicketQueries;
  redList: RedListStore;
  catalog: Catalog;
  sla: SlaPolicy;
  watcher: OverdueWatcher;
  predictor: CategoryPredictor | null;
}

/** Loads the configuration files (throwing TicketConfigError with file:line on a mistake) and builds every part. */
export async function openTickets(options: OpenTicketsOptions): Promise<Tickets> {
  const catalog = Catalog.load(options.categoriesFile);
  const sla = SlaPolicy.load({ file: options.slaFile, calendarDir: options.calendarDir });
  const predictor = options.predictor === undefined ? await builtinPredictor(catalog, options) : options.predictor;
  const redList = new RedListStore(options.db);
  const service = new TicketService({
    db: options.db,
    notices: options.notices,
    catalog,
    sla,
    redList,
    predictor: predictor ?? undefined,
    log: options.log,
    clock: options.clock,
    onChanged: options.onChanged,
  });
  const queries = new TicketQueries(options.db);
  const watcher = new OverdueWatcher({ service, queries, sla, log: options.log, intervalMs: options.overdueIntervalMs, clock: options.clock });
  return { service, lookups: new TicketLookups(options.db, catalog), queries, redList, catalog, sla, watcher, predictor };
}

async function builtinPredictor(catalog: Catalog, options: OpenTicketsOptions): Promise<CategoryPredictor> {
  const { loadOrTrainDefaultPredictor, trainDefaultPredictor } = await import('./routing/predictor.ts');
  if (!options.modelDir) return trainDefaultPredictor(catalog);
  return loadOrTrainDefaultPredictor(catalog, options.modelDir, options.categoriesFile ?? DEFAULT_CATEGORIES_FILE);
}
