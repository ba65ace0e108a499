// The bot's text is untrusted (it may quote visitor input or LLM output): the markdown subset must
// never turn it into markup or dangerous links. These tests check the pure parse tree.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref, toPlainText, type Block, type Inline } from '../../web/widget/markdown.ts';

function links(nodes: Inline[] | Block[]): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const node = n as { t: string; href?: string; c?: unknown; items?: unknown };
    if (node.t === 'a' && node.href) out.push(node.href);
    walk(node.c);
    walk(node.items);
  };
  walk(nodes);
  return out;
}

describe('parseMarkdown blocks', () => {
  it('splits paragraphs on blank lines and keeps single newlines as breaks', () => {
    expect(parseMarkdown('第一段\n第二行\n\n第二段')).toEqual([
      { t: 'p', c: [{ t: 'text', v: '第一段' }, { t: 'br' }, { t: 'text', v: '第二行' }] },
      { t: 'p', c: [{ t: 'text', v: '第二段' }] },
    ]);
  });

  it('parses bullet lists, also directly after a paragraph line', () => {
    expect(parseMarkdown('办理材料：\n- 营业执照\n- 法人身份证')).toEqual([
      { t: 'p', c: [{ t: 'text', v: '办理材料：' }] },
      { t: 'ul', items: [[{ t: 'text', v: '营业执照' }], [{ t: 'text', v: '法人身份证' }]] },
    ]);
  });

  it('parses numbered lists with ". ", ") " and Chinese "、", keeping the start number', () => {
    const blocks = parseMarkdown('3. 登录系统\n4) 填写信息\n5、提交');
    expect(blocks).toEqual([
      {
        t: 'ol',
        start: 3,
        items: [[{ t: 'text', v: '登录系统' }], [{ t: 'text', v: '填写信息' }], [{ t: 'text', v: '提交' }]],
      },
    ]);
  });

  it('does not mistake decimals at line start for a list', () => {
    expect(parseMarkdown('1.5万元以下免征')[0]).toEqual({ t: 'p', c: [{ t: 'text', v: '1.5万元以下免征' }] });
  });

  it('separates a bullet list from a following numbered list and continues indented lines', () => {
    const blocks = parseMarkdown('- 甲\n  补充说明\n1. 乙');
    expect(blocks.map((b) => b.t)).toEqual(['ul', 'ol']);
    expect(toPlainText(blocks)).toBe('甲\n补充说明\n\n乙');
  });

  it('renders headings as bold paragraphs', () => {
    expect(parseMarkdown('### 办理流程')).toEqual([{ t: 'p', c: [{ t: 'b', c: [{ t: 'text', v: '办理流程' }] }] }]);
  });
});

describe('parseInline', () => {
  it('parses **bold**, also with a link inside', () => {
    expect(parseInline('请携带**身份证原件**办理')).toEqual([
      { t: 'text', v: '请携带' },
      { t: 'b', c: [{ t: 'text', v: '身份证原件' }] },
      { t: 'text', v: '办理' },
    ]);
    expect(links(parseInline('**见 https://a.gov.cn/x**'))).toEqual(['https://a.gov.cn/x']);
  });

  it('parses [label](url) links for http, https, mailto and tel', () => {
    expect(parseInline('详见[办事指南](https://zwfw.example.gov.cn/guide?id=1)。')).toEqual([
      { t: 'text', v: '详见' },
      { t: 'a', href: 'https://zwfw.example.gov.cn/guide?id=1', c: [{ t: 'text', v: '办事指南' }] },
      { t: 'text', v: '。' },
    ]);
    expect(links(parseInline('[邮件](mailto:help@example.gov.cn) [电话](tel:12345) [旧站](http://old.example.cn)'))).toEqual([
      'mailto:help@example.gov.cn',
      'tel:12345',
      'http://old.example.cn',
    ]);
  });

  it('links bare URLs and leaves trailing punctuation and Chinese text outside', () => {
    expect(parseInline('访问https://www.gov.cn/zhengce.了解更多')).toEqual([
      { t: 'text', v: '访问' },
      { t: 'a', href: 'https://www.gov.cn/zhengce', c: [{ t: 'text', v: 'https://www.gov.cn/zhengce' }] },
      { t: 'text', v: '.了解更多' },
    ]);
    expect(links(parseInline('（https://example.gov.cn/a）'))).toEqual(['https://example.gov.cn/a']);
  });
});

describe('safety', () => {
  it('keeps <script> and <img onerror> as literal text', () => {
    const src = '<script>alert(1)</script>\n<img src=x onerror=alert(1)>';
    const blocks = parseMarkdown(src);
    expect(blocks).toEqual([{ t: 'p', c: [{ t: 'text', v: '<script>alert(1)</script>' }, { t: 'br' }, { t: 'text', v: '<img src=x onerror=alert(1)>' }] }]);
    expect(toPlainText(blocks)).toBe(src);
  });

  it('never turns javascript:, data:, vbscript: or relative URLs into links', () => {
    const nodes = parseMarkdown(
      '[点我](javascript:alert(1)) [a](JaVaScRiPt:alert(1)) [b](data:text/html,<b>x</b>) [c](vbscript:x) [d](/relative) [e](//evil.com)',
    );
    expect(links(nodes)).toEqual([]);
    expect(toPlainText(nodes)).toContain('点我');
    expect(toPlainText(nodes)).not.toContain('javascript:alert(1))');
  });

  it('rejects link targets with whitespace, control characters or quotes', () => {
    expect(safeHref('https://a.cn/x y')).toBeNull();
    expect(safeHref('https://a.cn/\u0000')).toBeNull();
    expect(safeHref('https://a.cn/"onmouseover=1')).toBeNull();
    expect(safeHref(' https://a.cn/ok ')).toBe('https://a.cn/ok');
    expect(safeHref('tel:12345', false)).toBeNull(); // images: web URLs only
  });

  it('treats non-string input as empty', () => {
    expect(parseMarkdown(undefined as unknown as string)).toEqual([]);
  });
});

describe('links with parentheses', () => {
  it('keeps balanced parentheses inside a link target', () => {
    expect(links(parseInline('[词条](https://zh.wikipedia.org/wiki/A_(B))'))).toEqual(['https://zh.wikipedia.org/wiki/A_(B)']);
  });
});
