import type { Activity, Attachment, CardAction } from 'botbuilder';
import { markdownToPlain } from './markdown.ts';
import { packTexts } from './split.ts';

/** How a channel that shows only text renders the bot's activities. */
export interface PlainTextOptions {
  /** The platform's limit for one message, in UTF-8 bytes (WeChat text: 2048). */
  maxBytes: number;
  /** The line above numbered choices. */
  choicePrompt?: string;
}

export const CHOICE_PROMPT = '回复数字选择：';

const HERO = 'application/vnd.microsoft.card.hero';
const THUMBNAIL = 'application/vnd.microsoft.card.thumbnail';

type Renderable = Pick<Partial<Activity>, 'type' | 'text' | 'textFormat' | 'suggestedActions' | 'attachments' | 'speak'>;

/**
 * One activity as plain text: its text (markdown flattened), any hero-card text, and every button
 * or suggested action as a numbered line, in the order they were offered, so that replying with
 * digit N means the N-th action (card buttons first, then suggested actions).
 */
export function renderActivity(activity: Renderable, options: Pick<PlainTextOptions, 'choicePrompt'> = {}): string {
  if (activity.type && activity.type !== 'message') return '';
  const parts: string[] = [];
  const text = activity.text ?? '';
  if (text.trim()) parts.push(activity.textFormat === 'plain' || activity.textFormat === 'xml' ? text.trim() : markdownToPlain(text));
  const actions: CardAction[] = [];
  for (const attachment of activity.attachments ?? []) {
    const card = cardText(attachment);
    if (card.text) parts.push(card.text);
    actions.push(...card.buttons);
  }
  actions.push(...(activity.suggestedActions?.actions ?? []));
  if (actions.length === 0) return parts.join('\n\n');
  const prompt = options.choicePrompt ?? CHOICE_PROMPT;
  const labels = actions.map(actionLabel);
  // The text may already list the first choices as "1. …" (the bot's own numbered list):
  // continue that list instead of printing the same choices twice.
  const last = parts.length - 1;
  const listed = last >= 0 ? trailingNumberedList(parts[last] ?? '') : [];
  if (listed.length > 0 && listed.length <= labels.length && listed.every((label, i) => label === labels[i])) {
    const more = labels.slice(listed.length).map((label, i) => `${listed.length + i + 1}. ${label}`);
    parts[last] = [parts[last], ...more].join('\n');
    parts.push(prompt.replace(/[：:]$/, ''));
    return parts.join('\n\n');
  }
  parts.push(renderChoices(labels, prompt));
  return parts.join('\n\n');
}

/** "回复数字选择：\n1. …\n2. …" */
export function renderChoices(labels: readonly string[], prompt = CHOICE_PROMPT): string {
  return [prompt, ...labels.map((label, i) => `${i + 1}. ${label}`)].join('\n');
}

/** The labels of a "1. a\n2. b" list that ends the text (numbered 1…k in order), else []. */
function trailingNumberedList(text: string): string[] {
  const items: Array<{ n: number; label: string }> = [];
  for (const line of text.split('\n').reverse()) {
    const match = /^(\d+)\.\s+(.+)$/.exec(line.trim());
    if (!match) break;
    items.unshift({ n: Number(match[1]), label: (match[2] ?? '').trim() });
  }
  const fromOne = items.findIndex((item) => item.n === 1);
  const list = fromOne < 0 ? [] : items.slice(fromOne);
  return list.every((item, i) => item.n === i + 1) ? list.map((item) => item.label) : [];
}

function actionLabel(action: CardAction): string {
  const label = String(action.title || action.displayText || action.text || (typeof action.value === 'string' ? action.value : '') || '').trim();
  const url = action.type === 'openUrl' && typeof action.value === 'string' ? action.value : undefined;
  if (url) return label && label !== url ? `${label}（${url}）` : url;
  return label;
}

interface CardLike {
  title?: string;
  subtitle?: string;
  text?: string;
  buttons?: CardAction[];
}

function cardText(attachment: Attachment): { text: string; buttons: CardAction[] } {
  if (attachment.contentType !== HERO && attachment.contentType !== THUMBNAIL) {
    return { text: attachment.name ? `[${attachment.name}]` : '', buttons: [] };
  }
  const card = (attachment.content ?? {}) as CardLike;
  const text = [card.title, card.subtitle, card.text && markdownToPlain(card.text)].filter((t): t is string => Boolean(t?.trim())).join('\n');
  return { text, buttons: card.buttons ?? [] };
}

/**
 * A turn's replies as the messages to send: each activity rendered, consecutive ones merged into
 * one message while they fit (every message costs the user's quota on WeChat), long ones split at
 * paragraph boundaries under the limit.
 */
export function renderForTextChannel(activities: readonly Renderable[], options: PlainTextOptions): string[] {
  const texts = activities.map((a) => renderActivity(a, options)).filter((t) => t.trim());
  return packTexts(texts, options.maxBytes);
}
