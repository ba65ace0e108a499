/**
 * Markdown → plain text a WeChat user reads comfortably: no stray `**` or `#`, links written out
 * as `text（url）` (WeChat makes the URL tappable), numbered steps kept as they are.
 * Deliberately small: the bot writes simple markdown (bold, lists, links), not tables.
 */
export function markdownToPlain(markdown: string): string {
  const lines: string[] = [];
  let inFence = false;
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      lines.push(raw);
      continue;
    }
    lines.push(plainLine(raw));
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function plainLine(line: string): string {
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return ''; // horizontal rule
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return inline(heading[1] ?? '');
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return plainLine(quote[1] ?? '');
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}· ${inline(bullet[2] ?? '')}`;
  return inline(line); // numbered steps ("1. …") pass through unchanged
}

/** Inline markup: images and links first (their text may hold emphasis), then emphasis and code. */
function inline(text: string): string {
  // Escaped characters are set aside first so `\*` never starts emphasis, then put back.
  const escaped: string[] = [];
  const hidden = text.replace(/\\([\\`*_{}[\]()#+\-.!>~|])/g, (_m, char: string) => String.fromCharCode(0xe000 + escaped.push(char) - 1));
  return hidden
    .replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, alt: string, url: string) => link(alt, url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) => link(label, url))
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1$2')
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1$2')
    .replace(/[\ue000-\uf8ff]/g, (char) => escaped[char.charCodeAt(0) - 0xe000] ?? char);
}

function link(label: string, url: string): string {
  const text = inline(label).trim();
  if (!text || text === url) return url;
  return `${text}（${url}）`;
}
