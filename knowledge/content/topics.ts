// The menu's topics, read from topics.yaml: the one place that says which KB categories the menu offers.
import { z } from 'zod';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { CATEGORIES } from './schema.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_TOPICS_FILE = fromRoot('knowledge/content/topics.yaml');

const TopicsSchema = z.strictObject({
  topics: z
    .array(z.strictObject({ title: z.string().min(1).max(12), category: z.enum(CATEGORIES), words: z.array(z.string().min(1)).default([]) }))
    .min(1)
    .max(10),
  broad: z.array(z.string().min(1)).default([]),
});

export type Topics = z.infer<typeof TopicsSchema>;

export function loadTopics(file = DEFAULT_TOPICS_FILE): Topics {
  return readYamlFile(file, TopicsSchema, 'knowledge/topics');
}
