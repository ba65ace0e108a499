// The queue: urgent and red-list tickets first, then by due time; quick filters with their counts, state, category
// and department, and a search over number, enterprise, phone and text. j/k move, Enter opens, / searches. The
// open ticket shows beside the list on a laptop and instead of it on a narrow screen.
import { useSignal, useSignalEffect } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { describe, get, query, refresh } from '../api.ts';
import { countdown } from '../format.ts';
import { isHandler, label, navigate, now, session, ticketsChanged } from '../state.ts';
import { TicketView } from './ticket.tsx';

const OPEN = 'new,dispatched,accepted,in_progress,returned';

interface Summary {
  number: string;
  state: string;
  type: string;
  category: string;
  department: string | null;
  priority: string;
  redListTier: string | null;
  enterpriseName: string | null;
  contactName: string | null;
  excerpt: string;
  dueAt: string;
  overdue: boolean;
  supervised: boolean;
  extensionPending: boolean;
  assignee: { name: string } | null;
}

interface Counts {
  open: number;
  overdue: number;
  mine: number;
  unassigned: number;
  redList: number;
  total: number;
  byState: Record<string, number>;
  byCategory: Record<string, number>;
  byDepartment: Record<string, number>;
}

type Quick = 'open' | 'mine' | 'unassigned' | 'overdue' | 'redlist' | 'todo' | 'working' | 'all';

interface Filter {
  quick: Quick;
  state: string;
  category: string;
  department: string;
  q: string;
  page: number;
}

const PAGE_SIZE = 30;

function params(f: Filter) {
  const quick: Record<Quick, Record<string, string>> = {
    open: { state: OPEN },
    mine: { state: OPEN, assigned: 'me' },
    unassigned: { state: OPEN, assigned: 'none' },
    overdue: { overdue: 'true' },
    redlist: { state: OPEN, redList: 'true' },
    todo: { state: 'dispatched' },
    working: { state: 'accepted,in_progress' },
    all: {},
  };
  return { ...quick[f.quick], ...(f.state ? { state: f.state } : {}), category: f.category, department: f.department, q: f.q.trim() };
}

export function QueuePage({ open }: { open: string | null }) {
  const handler = isHandler.value;
  const filter = useSignal<Filter>({ quick: handler ? 'todo' : 'open', state: '', category: '', department: '', q: '', page: 1 });
  const items = useSignal<Summary[]>([]);
  const total = useSignal(0);
  const counts = useSignal<Counts | null>(null);
  const selected = useSignal(0);
  const error = useSignal('');
  const search = useRef<HTMLInputElement>(null);

  /** `background`: after a live event, not something the person did (it does not keep the session awake). */
  const load = async (background = false) => {
    const f = filter.value;
    const p = params(f);
    const fetch = background ? refresh : get;
    try {
      const [list, c] = await Promise.all([
        fetch<{ items: Summary[]; total: number }>(`/tickets${query({ ...p, page: f.page, pageSize: PAGE_SIZE })}`),
        fetch<Counts>(`/tickets/counts${query({ category: f.category, department: f.department, q: f.q.trim() })}`),
      ]);
      items.value = list.items;
      total.value = list.total;
      counts.value = c;
      error.value = '';
      if (selected.value >= list.items.length) selected.value = Math.max(0, list.items.length - 1);
    } catch (err) {
      error.value = describe(err);
    }
  };

  // Refetch on a filter change at once, and on live changes a moment later (several changes, one fetch).
  useSignalEffect(() => {
    void filter.value;
    void load();
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = ticketsChanged.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(true), 250);
    });
    return () => (stop(), clearTimeout(timer));
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const list = items.value;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        selected.value = Math.min(list.length - 1, Math.max(0, selected.value + (e.key === 'j' ? 1 : -1)));
        document.querySelector('.queue .row.selected')?.scrollIntoView({ block: 'nearest' });
        if (open && list[selected.value]) navigate(`/tickets/${list[selected.value]!.number}`);
      } else if (e.key === 'Enter' && list[selected.value]) {
        navigate(`/tickets/${list[selected.value]!.number}`);
      } else if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  const set = (patch: Partial<Filter>) => (filter.value = { ...filter.value, page: 1, ...patch });
  const f = filter.value;
  const c = counts.value;
  const chip = (quick: Quick, text: string, n: number | undefined) => (
    <button class={`chip ${f.quick === quick && !f.state ? 'on' : ''}`} onClick={() => set({ quick, state: '' })}>
      {text}
      {n !== undefined ? <b>{n}</b> : null}
    </button>
  );
  const pages = Math.max(1, Math.ceil(total.value / PAGE_SIZE));

  return (
    <div class={`queue-page ${open ? 'has-open' : ''}`}>
      <section class="queue" aria-label="工单队列">
        <form class="search" onSubmit={(e) => (e.preventDefault(), set({ q: search.current?.value ?? '' }))}>
          <input ref={search} type="search" placeholder="搜索工单号、企业、电话、诉求内容（按 / 聚焦）" maxLength={100} defaultValue={f.q} aria-label="搜索" />
          <button type="submit">搜索</button>
        </form>
        <div class="chips" role="toolbar" aria-label="快速筛选">
          {handler ? (
            <>
              {chip('todo', '待签收', c?.byState.dispatched)}
              {chip('working', '办理中', c ? (c.byState.accepted ?? 0) + (c.byState.in_progress ?? 0) : undefined)}
              {chip('overdue', '已超期', c?.overdue)}
              {chip('all', '全部', c?.total)}
            </>
          ) : (
            <>
              {chip('open', '在办', c?.open)}
              {chip('mine', '我的', c?.mine)}
              {chip('unassigned', '未分配', c?.unassigned)}
              {chip('overdue', '已超期', c?.overdue)}
              {chip('redlist', '重点企业', c?.redList)}
              {chip('all', '全部', c?.total)}
            </>
          )}
        </div>
        <div class="selects">
          <select aria-label="状态" value={f.state} onChange={(e) => set({ state: (e.target as HTMLSelectElement).value })}>
            <option value="">全部状态</option>
            {Object.entries(c?.byState ?? {}).map(([code, n]) => (
              <option key={code} value={code}>
                {label.state(code)}（{n}）
              </option>
            ))}
          </select>
          <select aria-label="类别" value={f.category} onChange={(e) => set({ category: (e.target as HTMLSelectElement).value })}>
            <option value="">全部类别</option>
            {Object.entries(c?.byCategory ?? {})
              .sort((a, b) => b[1] - a[1])
              .map(([code, n]) => (
                <option key={code} value={code}>
                  {label.category(code)}（{n}）
                </option>
              ))}
          </select>
          {handler ? null : (
            <select aria-label="承办单位" value={f.department} onChange={(e) => set({ department: (e.target as HTMLSelectElement).value })}>
              <option value="">全部承办单位</option>
              {Object.entries(c?.byDepartment ?? {})
                .filter(([code]) => code)
                .sort((a, b) => b[1] - a[1])
                .map(([code, n]) => (
                  <option key={code} value={code}>
                    {label.department(code)}（{n}）
                  </option>
                ))}
            </select>
          )}
        </div>
        {error.value ? <p class="error">{error.value}</p> : null}
        <ol class="rows" aria-label={`共 ${total.value} 件`}>
          {items.value.map((t, i) => (
            <Row
              key={t.number}
              t={t}
              selected={i === selected.value}
              open={t.number === open}
              onPick={() => ((selected.value = i), navigate(`/tickets/${t.number}`))}
            />
          ))}
          {items.value.length === 0 ? <li class="empty">没有符合条件的工单</li> : null}
        </ol>
        <div class="pager">
          <span>共 {total.value} 件</span>
          <button disabled={f.page <= 1} onClick={() => (filter.value = { ...f, page: f.page - 1 })}>
            上一页
          </button>
          <span>
            {f.page} / {pages}
          </span>
          <button disabled={f.page >= pages} onClick={() => (filter.value = { ...f, page: f.page + 1 })}>
            下一页
          </button>
        </div>
        <p class="hint">快捷键：j / k 上下移动，Enter 打开，/ 搜索，r 回复</p>
      </section>
      <section class="detail">{open ? <TicketView key={open} number={open} /> : <div class="placeholder">选择左侧的工单查看详情</div>}</section>
    </div>
  );
}

function Row({ t, selected, open, onPick }: { t: Summary; selected: boolean; open: boolean; onPick: () => void }) {
  const due = countdown(t.dueAt, now.value);
  const openState = ['new', 'dispatched', 'accepted', 'in_progress', 'returned'].includes(t.state);
  return (
    <li class={`row ${selected ? 'selected' : ''} ${open ? 'open' : ''}`} onClick={onPick} data-number={t.number} aria-current={open ? 'true' : undefined}>
      <div class="line1">
        <span class="number">{t.number}</span>
        <span class={`state s-${t.state}`}>{label.state(t.state)}</span>
        {t.priority === 'urgent' ? <span class="flag urgent">紧急</span> : null}
        {t.redListTier ? <span class="flag red">{label.tier(t.redListTier)}</span> : null}
        {t.supervised ? <span class="flag">督办</span> : null}
        {t.extensionPending ? <span class="flag">延期待批</span> : null}
        {openState ? <span class={`due ${due.overdue ? 'overdue' : due.soon ? 'soon' : ''}`}>{due.text}</span> : null}
      </div>
      <div class="excerpt">{t.excerpt}</div>
      <div class="line3">
        <span>{t.enterpriseName ?? t.contactName ?? '个人'}</span>
        <span>
          {label.type(t.type)} · {label.category(t.category)}
        </span>
        <span>{t.department ? label.department(t.department) : '未派单'}</span>
        {session.value?.user.role !== 'handler' ? <span class="assignee">{t.assignee ? t.assignee.name : '未分配'}</span> : null}
      </div>
    </li>
  );
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
