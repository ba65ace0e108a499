import { wechatKfSchema } from '../adapters/wechat-kf/schema.ts';
import { wechatSchema } from '../adapters/wechat-official/schema.ts';
import { wechatySchema } from '../adapters/wechaty/schema.ts';
import { webchatSchema } from '../adapters/webchat/schema.ts';
import { deskSchema } from '../desk/schema.ts';
import { insightsSchema } from '../insights/schema.ts';
import { outboxSchema } from '../outbox/schema.ts';
import type { ModuleSchema } from '../storage/migrate.ts';
import { retentionSchema } from '../storage/retention.ts';
import { storageSchema } from '../storage/schema.ts';
import { ticketsSchema } from '../tickets/store/schema.ts';

/** Every module's tables, composed into one migration run at start-up. */
export const SCHEMAS: readonly ModuleSchema[] = [
  storageSchema,
  webchatSchema,
  retentionSchema,
  ticketsSchema,
  outboxSchema,
  insightsSchema,
  wechatSchema,
  wechatKfSchema,
  wechatySchema,
  deskSchema,
];
