import { webchatSchema } from '../adapters/webchat/schema.ts';
import type { ModuleSchema } from '../storage/migrate.ts';
import { retentionSchema } from '../storage/retention.ts';
import { storageSchema } from '../storage/schema.ts';

/** Every module's tables, composed into one migration run at start-up. */
export const SCHEMAS: readonly ModuleSchema[] = [storageSchema, webchatSchema, retentionSchema];
