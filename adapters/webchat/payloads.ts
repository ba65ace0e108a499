import { z } from 'zod';
import { jsonBytes, MAX_JSON_DEPTH, tooDeep } from '../../http/json-limits.ts';
import { activityText } from '../activity-text.ts';

const id = z.string().min(1).max(128);

/** Largest `value`, `channelData`, `entities` or `attachments` a client may send, as JSON bytes. */
export const MAX_FIELD_BYTES = 4096;

/** Free-form JSON a client may attach: at most MAX_FIELD_BYTES, nested at most MAX_JSON_DEPTH deep. */
const bounded = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    if (tooDeep(value)) ctx.addIssue({ code: 'custom', message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    else if (jsonBytes(value) > MAX_FIELD_BYTES) ctx.addIssue({ code: 'custom', message: `larger than ${MAX_FIELD_BYTES} bytes` });
  });

/** What a Direct Line client may send. Unknown fields are dropped; the server stamps the rest. */
export const incomingActivity = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: activityText.optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().max(20).optional(),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(128).optional(),
  value: bounded(z.unknown()).optional(),
  from: z.object({ id: id.optional(), name: z.string().max(128).optional(), role: z.string().max(16).optional() }).optional(),
  attachments: bounded(
    z
      .array(
        z.object({
          contentType: z.string().max(128),
          contentUrl: z.url().max(2048).optional(),
          name: z.string().max(256).optional(),
          content: z.unknown().optional(),
        }),
      )
      .max(10),
  ).optional(),
  entities: bounded(z.array(z.object({ type: z.string().max(64) }).loose()).max(10)).optional(),
  channelData: bounded(z.object({ clientActivityID: id.optional(), clientTimestamp: z.string().max(64).optional() }).loose()).optional(),
});

export type IncomingActivity = z.infer<typeof incomingActivity>;

export const startConversationBody = z
  .object({ user: z.object({ id: id.optional(), name: z.string().max(128).optional() }).optional(), locale: z.string().max(20).optional() })
  .optional();

export const watermarkQuery = z
  .union([z.literal(''), z.string().regex(/^\d{1,12}$/, 'watermark must be a non-negative integer')])
  .optional()
  .transform((w) => (w ? Number(w) : 0));
