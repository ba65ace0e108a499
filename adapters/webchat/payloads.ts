import { z } from 'zod';
import { activityText } from '../activity-text.ts';

const id = z.string().min(1).max(128);

/** What a Direct Line client may send. Unknown fields are dropped; the server stamps the rest. */
export const incomingActivity = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: activityText.optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().max(20).optional(),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(128).optional(),
  value: z.unknown().optional(),
  from: z.object({ id: id.optional(), name: z.string().max(128).optional(), role: z.string().max(16).optional() }).optional(),
  attachments: z
    .array(z.object({ contentType: z.string().max(128), contentUrl: z.url().max(2048).optional(), name: z.string().max(256).optional(), content: z.unknown().optional() }))
    .max(10)
    .optional(),
  entities: z.array(z.object({ type: z.string().max(64) }).loose()).max(10).optional(),
  channelData: z.object({ clientActivityID: id.optional(), clientTimestamp: z.string().max(64).optional() }).loose().optional(),
});

export type IncomingActivity = z.infer<typeof incomingActivity>;

export const startConversationBody = z
  .object({ user: z.object({ id: id.optional(), name: z.string().max(128).optional() }).optional(), locale: z.string().max(20).optional() })
  .optional();

export const watermarkQuery = z
  .union([z.literal(''), z.string().regex(/^\d{1,12}$/, 'watermark must be a non-negative integer')])
  .optional()
  .transform((w) => (w ? Number(w) : 0));
