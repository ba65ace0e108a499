// DOM helpers. Untrusted text only ever reaches the page through textContent or validated
// attributes; the single innerHTML use is for the widget's own constant SVG icons.
import type { Block, Inline } from './markdown.ts';
import { parseMarkdown } from './markdown.ts';

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Wraps a constant, widget-authored SVG string (never network data). */
export function icon(svg: string, className = 'lo-icon'): HTMLSpanElement {
  const span = h('span', className);
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = svg;
  return span;
}

export function externalLink(href: string, text: string, className?: string): HTMLAnchorElement {
  const a = h('a', className, text);
  a.setAttribute('href', href);
  if (/^https?:/i.test(href)) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
  }
  return a;
}

function renderInline(nodes: Inline[], parent: Node): void {
  for (const n of nodes) {
    if (n.t === 'text') parent.appendChild(document.createTextNode(n.v));
    else if (n.t === 'br') parent.appendChild(h('br'));
    else if (n.t === 'b') {
      const b = h('strong');
      renderInline(n.c, b);
      parent.appendChild(b);
    } else {
      const a = externalLink(n.href, '', 'lo-link');
      renderInline(n.c, a);
      parent.appendChild(a);
    }
  }
}

export function renderBlocks(blocks: Block[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const b of blocks) {
    if (b.t === 'p') {
      const p = h('p', 'lo-p');
      renderInline(b.c, p);
      frag.appendChild(p);
      continue;
    }
    const list = h(b.t, 'lo-list');
    if (b.t === 'ol' && b.start !== 1) list.setAttribute('start', String(b.start));
    for (const item of b.items) {
      const li = h('li');
      renderInline(item, li);
      list.appendChild(li);
    }
    frag.appendChild(list);
  }
  return frag;
}

export function renderMarkdown(text: string): DocumentFragment {
  return renderBlocks(parseMarkdown(text));
}
