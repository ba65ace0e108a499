// The conversation's recent lines become a ticket's transcript: the user's words in full (capped), the bot's long
// answers as their opening, and only the last dozen lines.
import { describe, expect, it } from 'vitest';
import { type ConversationMemory, remember } from '../../bot/memory.ts';

describe('remember', () => {
  it("keeps the user's words and the opening of the bot's answers, marking what was cut", () => {
    const memory: ConversationMemory = {};
    const question = '我们公司去年新招了一批员工'.repeat(10);
    const answer = `**失业保险金怎么申领？**\n\n${'失业人员可通过线上渠道申领。'.repeat(40)}`;
    remember(memory, 'user', question);
    remember(memory, 'bot', answer);
    expect(memory.recent?.[0]?.text).toBe(question);
    const bot = memory.recent?.[1]?.text ?? '';
    expect(bot.startsWith('**失业保险金怎么申领？**')).toBe(true);
    expect(bot.endsWith('…')).toBe(true);
    expect(bot.length).toBeLessThan(200);
  });

  it('keeps the last twelve lines and skips empty ones', () => {
    const memory: ConversationMemory = {};
    for (let i = 1; i <= 15; i++) remember(memory, i % 2 ? 'user' : 'bot', `第${i}句`);
    remember(memory, 'bot', '');
    expect(memory.recent?.map((l) => l.text)).toEqual(Array.from({ length: 12 }, (_, i) => `第${i + 4}句`));
  });
});
