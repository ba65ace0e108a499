// Renders attachments (hero / thumbnail cards, images) and card actions. All fields are untrusted:
// strings are checked with str(), URLs with safeHref(), text goes through the safe markdown renderer.
import { externalLink, h, renderMarkdown } from './dom.ts';
import { safeHref } from './markdown.ts';
import type { Attachment, CardAction, HeroCardContent } from './types.ts';

export type ActionHandler = (action: CardAction) => void;

const HERO = 'application/vnd.microsoft.card.hero';
const THUMBNAIL = 'application/vnd.microsoft.card.thumbnail';
const SENDING_ACTIONS = ['imBack', 'postBack', 'messageBack'];

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function actionLabel(a: CardAction): string {
  return str(a.title) || str(a.displayText) || str(a.text) || str(a.value);
}

/** A button for sending actions, a real link for openUrl; null for anything unsupported or unsafe. */
export function actionButton(action: CardAction, onAction: ActionHandler, className: string): HTMLElement | null {
  if (!action || typeof action !== 'object') return null;
  const label = actionLabel(action);
  if (!label) return null;
  if (action.type === 'openUrl') {
    const href = safeHref(str(action.value));
    return href ? externalLink(href, label, className) : null;
  }
  if (!SENDING_ACTIONS.includes(str(action.type))) return null;
  const button = h('button', className, label);
  button.type = 'button';
  button.addEventListener('click', () => onAction(action));
  return button;
}

function image(url: unknown, alt: unknown, className: string): HTMLImageElement | null {
  const src = safeHref(str(url), false);
  if (!src) return null;
  const img = h('img', className);
  img.src = src;
  img.alt = str(alt);
  img.loading = 'lazy';
  img.referrerPolicy = 'no-referrer'; // don't leak the visitor's page URL to third-party image hosts
  return img;
}

function card(content: HeroCardContent, thumbnail: boolean, onAction: ActionHandler): HTMLElement {
  const root = h('div', thumbnail ? 'lo-card lo-card-thumb' : 'lo-card');
  const main = h('div', 'lo-card-main');
  const first = Array.isArray(content.images) ? content.images[0] : undefined;
  const img = first ? image(first.url, first.alt, 'lo-card-img') : null;
  if (img) main.appendChild(img);
  const body = h('div', 'lo-card-body');
  if (str(content.title)) body.appendChild(h('div', 'lo-card-title', str(content.title)));
  if (str(content.subtitle)) body.appendChild(h('div', 'lo-card-sub', str(content.subtitle)));
  if (str(content.text)) {
    const text = h('div', 'lo-card-text');
    text.appendChild(renderMarkdown(str(content.text)));
    body.appendChild(text);
  }
  main.appendChild(body);
  root.appendChild(main);
  const buttons = (Array.isArray(content.buttons) ? content.buttons : [])
    .map((b) => actionButton(b, onAction, 'lo-card-btn'))
    .filter((b): b is HTMLElement => b !== null);
  if (buttons.length) {
    const actions = h('div', 'lo-card-actions');
    buttons.forEach((b) => actions.appendChild(b));
    root.appendChild(actions);
  }
  return root;
}

export function renderAttachment(att: Attachment, onAction: ActionHandler): HTMLElement | null {
  if (!att || typeof att !== 'object') return null;
  const type = str(att.contentType);
  const content = (att.content && typeof att.content === 'object' ? att.content : {}) as HeroCardContent;
  if (type === HERO || type === THUMBNAIL) return card(content, type === THUMBNAIL, onAction);
  if (type.indexOf('image/') === 0) return image(att.contentUrl, att.name, 'lo-image');
  return null; // adaptive cards etc.: not supported, the bot's text still shows
}
