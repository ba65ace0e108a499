// A deliberately small, SAFE markdown subset for bot text. It returns a plain data tree (no DOM,
// no HTML strings): the renderer turns it into nodes with textContent, so "<script>" or
// "<img onerror>" in bot text can only ever appear as literal characters.
//
// Supported: paragraphs, line breaks, "- " / "* " / "• " lists, "1. " / "1) " / "1、" lists,
// "# headings" (shown bold), **bold**, [label](url), bare http(s) URLs.

export type Inline = { t: 'text'; v: string } | { t: 'b'; c: Inline[] } | { t: 'a'; href: string; c: Inline[] } | { t: 'br' };

export type Block = { t: 'p'; c: Inline[] } | { t: 'ul'; items: Inline[][] } | { t: 'ol'; start: number; items: Inline[][] };

/** Only these schemes become links; javascript:, data:, vbscript:, relative URLs etc. stay text. */
export function safeHref(raw: string, allowNonWeb = true): string | null {
  const href = raw.trim();
  if (!href || /[\s\u0000-\u001f\u007f<>"]/.test(href)) return null;
  if (/^https?:\/\/[^/?#\s]/i.test(href)) return href;
  if (allowNonWeb && /^(mailto|tel):[^/]/i.test(href)) return href;
  return null;
}

// Order matters: a markdown link wins over the bare URL inside it.
// Link targets may contain one level of balanced parentheses, e.g. .../Foo_(bar).
const INLINE = /\*\*([^\n]+?)\*\*|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+)/g;
const TRAILING_PUNCT = /[.,;:!?'*]+$/;

function pushText(out: Inline[], text: string): void {
  if (!text) return;
  const parts = text.split('\n');
  parts.forEach((part, i) => {
    if (i > 0) out.push({ t: 'br' });
    if (!part) return;
    const last = out[out.length - 1];
    if (last && last.t === 'text') last.v += part;
    else out.push({ t: 'text', v: part });
  });
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let pos = 0;
  // exec loop instead of matchAll: the bundle targets ES2019 browsers (no polyfills).
  const re = new RegExp(INLINE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const index = m.index;
    pushText(out, text.slice(pos, index));
    pos = index + m[0].length;
    const [, bold, label, url, bare] = m;
    if (bold !== undefined) {
      out.push({ t: 'b', c: parseInline(bold) });
    } else if (label !== undefined && url !== undefined) {
      const href = safeHref(url);
      // An unsafe link keeps only its label, as plain text.
      if (href) out.push({ t: 'a', href, c: parseInline(label).filter((n) => n.t !== 'a') });
      else pushText(out, label);
    } else if (bare !== undefined) {
      const trail = TRAILING_PUNCT.exec(bare)?.[0] ?? '';
      const url2 = bare.slice(0, bare.length - trail.length);
      const href = safeHref(url2);
      if (href) out.push({ t: 'a', href, c: [{ t: 'text', v: url2 }] });
      else pushText(out, url2);
      pushText(out, trail);
    }
  }
  pushText(out, text.slice(pos));
  return out;
}

const BULLET = /^\s{0,3}[-*+•·]\s+(.*)$/;
// "1. " and "1) " need a space (so "1.5万元" stays text); Chinese "1、" does not.
const NUMBERED = /^\s{0,3}(\d{1,3})(?:[.)．]\s+|、\s*)(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = String(source ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; start: number; items: string[] } | null = null;

  const flushPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
    para = [];
  };
  const flushList = () => {
    if (!list) return;
    const items = list.items.map((item) => parseInline(item));
    blocks.push(list.t === 'ul' ? { t: 'ul', items } : { t: 'ol', start: list.start, items });
    list = null;
  };

  for (const line of lines) {
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (heading) {
      flushPara();
      flushList();
      blocks.push({ t: 'p', c: [{ t: 'b', c: parseInline(heading[1] ?? '') }] });
    } else if (bullet || numbered) {
      flushPara();
      const kind = bullet ? 'ul' : 'ol';
      if (!list || list.t !== kind) {
        flushList();
        list = { t: kind, start: numbered ? Number(numbered[1]) : 1, items: [] };
      }
      list.items.push((bullet ? bullet[1] : numbered?.[2]) ?? '');
    } else if (list && /^\s{2,}\S/.test(line)) {
      // Indented line under a list item continues that item.
      list.items[list.items.length - 1] += '\n' + line.trim();
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return blocks;
}

/** Plain-text projection of the tree (used by tests and for aria labels). */
export function toPlainText(blocks: Block[]): string {
  const inline = (nodes: Inline[]): string => nodes.map((n) => (n.t === 'text' ? n.v : n.t === 'br' ? '\n' : inline(n.c))).join('');
  return blocks.map((b) => (b.t === 'p' ? inline(b.c) : b.items.map((i) => inline(i)).join('\n'))).join('\n\n');
}
