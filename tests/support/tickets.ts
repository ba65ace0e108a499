import type { Checked, Rating, Requester, TicketDraft, TicketPort, TicketReceipt, TicketView } from '../../bot/ticket-port.ts';

/**
 * An in-memory ticket port for bot tests: it keeps what the intake registers and who raised it, so tests can
 * assert the ticket row the conversation produced. The real domain has its own contract suite.
 */
export interface FakeTicket extends TicketDraft {
  number: string;
  requester: Requester;
  state: string;
  rating?: Rating;
  comment?: string;
}

const CODE_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export function fakeTickets(): TicketPort & { tickets: FakeTicket[] } {
  const tickets: FakeTicket[] = [];
  const mine = (r: Requester, t: FakeTicket) => t.requester.channelId === r.channelId && t.requester.userId === r.userId;
  const view = (t: FakeTicket): TicketView => ({
    number: t.number,
    state: t.state,
    department: '社会保险经办机构',
    updated: '12月1日 10:00',
    due: '12月3日（周四）18:00',
  });
  return {
    tickets,
    checkCreditCode(code: string): Checked {
      const c = code.trim().toUpperCase();
      if (c.length !== 18) return { ok: false, problem: `统一社会信用代码应为 18 位，您输入了 ${c.length} 位。` };
      if ([...c].some((ch) => !CODE_SET.includes(ch))) return { ok: false, problem: '统一社会信用代码里不会出现 I、O、S、V、Z 等字母。' };
      const sum = [...c.slice(0, 17)].reduce((s, ch, i) => s + CODE_SET.indexOf(ch) * (3 ** i % 31), 0);
      const check = CODE_SET[(31 - (sum % 31)) % 31];
      return check === c[17] ? { ok: true, value: c } : { ok: false, problem: '统一社会信用代码的校验位不对，可能有字符输错了。' };
    },
    checkMobile(mobile: string): Checked {
      const m = mobile.replace(/[\s-]/g, '').replace(/^\+?86/, '');
      return /^1[3-9]\d{9}$/.test(m) ? { ok: true, value: m } : { ok: false, problem: '手机号应为 11 位数字，以 1 开头，请重新输入：' };
    },
    outlook: async () => ({ department: '社会保险经办机构', due: '12月3日（周四）18:00' }),
    async create(requester, draft): Promise<TicketReceipt> {
      // As the real intake (tickets/intake.ts): a ticket without a request is refused.
      if (!draft.request?.trim()) throw new Error('requestText must not be empty');
      const number = `QY20261130-${String(tickets.length + 1).padStart(4, '0')}`;
      tickets.push({ ...draft, number, requester, state: '已受理' });
      return {
        number,
        category: '社保',
        department: '社会保险经办机构',
        due: '12月3日（周四）18:00',
        redListTier: draft.creditCode === '91350100M000100Y43' ? '龙头骨干' : undefined,
      };
    },
    async find(requester, number, mobile) {
      const t = tickets.find((x) => x.number === number && (mine(requester, x) || (mobile !== undefined && x.mobile === mobile)));
      return t && view(t);
    },
    recent: async (requester) => tickets.filter((t) => mine(requester, t)).map(view),
    lastMobile: async (requester) => tickets.filter((t) => mine(requester, t)).at(-1)?.mobile,
    async rate(requester, number, rating, comment) {
      const t = tickets.find((x) => x.number === number && mine(requester, x));
      if (!t) return false;
      Object.assign(t, { rating, comment, state: rating === '不满意' ? '重新办理' : t.state });
      return true;
    },
  };
}
