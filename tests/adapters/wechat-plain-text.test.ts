import { describe, expect, it } from 'vitest';
import { markdownToPlain } from '../../adapters/plain-text/markdown.ts';
import { renderActivity, renderForTextChannel } from '../../adapters/plain-text/render.ts';
import { packTexts, splitText, utf8Bytes } from '../../adapters/plain-text/split.ts';

describe('plain-text: markdown → WeChat text', () => {
  it.each([
    ['bold and italics markers dropped', '**异地就医**怎么*备案*？', '异地就医怎么备案？'],
    ['underscore emphasis, but not inside identifiers', '__重要__：文件名 a_b_c.pdf', '重要：文件名 a_b_c.pdf'],
    ['links written out', '详见[国家医保局](https://www.nhsa.gov.cn)网站', '详见国家医保局（https://www.nhsa.gov.cn）网站'],
    ['a bare link stays a link', '[https://a.cn](https://a.cn)', 'https://a.cn'],
    ['headings become lines', '## 办理流程\n1. 登录\n2. 提交', '办理流程\n1. 登录\n2. 提交'],
    ['numbered steps kept', '1. 第一步\n2. 第二步\n10. 第十步', '1. 第一步\n2. 第二步\n10. 第十步'],
    ['bullets become dots', '- 身份证\n* 社保卡', '· 身份证\n· 社保卡'],
    ['quotes, code and rules flattened', '> 注意\n\n`12345`\n\n---\n\n完', '注意\n\n12345\n\n完'],
    ['fenced code kept verbatim', '```\n**raw**\n```', '**raw**'],
    ['escaped characters unescaped', '5\\*3 \\_x\\_', '5*3 _x_'],
    ['multiplication is not emphasis', '3 * 4 * 5', '3 * 4 * 5'],
    ['blank lines collapsed', 'a\n\n\n\nb', 'a\n\nb'],
  ])('%s', (_name, input, expected) => {
    expect(markdownToPlain(input)).toBe(expected);
  });
});

describe('plain-text: choices', () => {
  it('numbers suggested actions in order after the text', () => {
    const text = renderActivity({
      type: 'message',
      text: '**请选择**',
      textFormat: 'markdown',
      suggestedActions: {
        to: [],
        actions: [
          { type: 'imBack', title: '医保报销', value: '医保报销' },
          { type: 'imBack', title: '转人工', value: '转人工' },
        ],
      },
    });
    expect(text).toBe('请选择\n\n回复数字选择：\n1. 医保报销\n2. 转人工');
  });

  it('hero-card buttons come first, then suggested actions, so digit N is the N-th action', () => {
    const text = renderActivity({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.hero',
          content: {
            title: '公积金',
            text: '可提取的情形',
            buttons: [
              { type: 'imBack', title: '租房提取', value: '租房提取' },
              { type: 'openUrl', title: '官网', value: 'https://gjj.example.cn' },
            ],
          },
        },
      ],
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: '转人工', value: '转人工' }] },
    });
    expect(text).toBe('公积金\n可提取的情形\n\n回复数字选择：\n1. 租房提取\n2. 官网（https://gjj.example.cn）\n3. 转人工');
  });

  it('continues a numbered list the text already has, instead of listing the same choices twice', () => {
    const text = renderActivity({
      type: 'message',
      textFormat: 'markdown',
      text: '您是不是想问：\n1. 公积金怎么提取\n2. 公积金缴存比例',
      suggestedActions: { to: [], actions: ['公积金怎么提取', '公积金缴存比例', '转人工'].map((t) => ({ type: 'imBack', title: t, value: t })) },
    });
    expect(text).toBe('您是不是想问：\n1. 公积金怎么提取\n2. 公积金缴存比例\n3. 转人工\n\n回复数字选择');
    // A list that does not match the actions is left alone; the actions are listed as usual.
    const other = renderActivity({
      type: 'message',
      text: '步骤：\n1. 登录\n2. 提交',
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: '转人工', value: '转人工' }] },
    });
    expect(other).toBe('步骤：\n1. 登录\n2. 提交\n\n回复数字选择：\n1. 转人工');
  });

  it('labels fall back to the value; plain text is left alone; non-messages render as nothing', () => {
    expect(
      renderActivity({
        type: 'message',
        text: '**x**',
        textFormat: 'plain',
        suggestedActions: { to: [], actions: [{ type: 'imBack', title: '', value: '是' }] },
      }),
    ).toBe('**x**\n\n回复数字选择：\n1. 是');
    expect(renderActivity({ type: 'typing' })).toBe('');
  });
});

describe('plain-text: splitting under the byte limit', () => {
  it('merges consecutive short texts into one message', () => {
    expect(packTexts(['你好', '请问有什么可以帮您？'], 2048)).toEqual(['你好\n\n请问有什么可以帮您？']);
  });

  it('splits at paragraph boundaries, every piece within the limit, nothing lost', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `第${i + 1}段：${'社保'.repeat(40)}`);
    const pieces = splitText(paragraphs.join('\n\n'), 600);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(utf8Bytes(piece)).toBeLessThanOrEqual(600);
    expect(pieces.join('\n\n')).toBe(paragraphs.join('\n\n'));
    expect(pieces.every((p) => p.startsWith('第'))).toBe(true);
  });

  it('falls back to lines, then characters, without breaking a character', () => {
    const line = '医'.repeat(100); // 300 bytes
    const pieces = splitText(`${line}\n${line}`, 200);
    for (const piece of pieces) expect(utf8Bytes(piece)).toBeLessThanOrEqual(200);
    expect(pieces.join('')).toBe(line + line);
    expect(splitText('😀'.repeat(10), 17)).toEqual(['😀😀😀😀', '😀😀😀😀', '😀😀']);
  });

  it('renders a turn: markdown answer plus choices, packed', () => {
    const messages = renderForTextChannel(
      [
        { type: 'message', text: '收到' },
        { type: 'typing' },
        { type: 'message', text: '**答**', suggestedActions: { to: [], actions: [{ type: 'imBack', title: '菜单', value: '菜单' }] } },
      ],
      { maxBytes: 2048 },
    );
    expect(messages).toEqual(['收到\n\n答\n\n回复数字选择：\n1. 菜单']);
  });
});
