// One ticket: what was asked and by whom, the chat transcript, the due time counting down, the trail of events and
// internal notes, who else has it open, and what can be done now. Refreshes when anyone changes it.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError, api, describe, get, post, refresh } from '../api.ts';
import { at, countdown } from '../format.ts';
import { can, label, lastTicketEvent, navigate, now, session, viewers } from '../state.ts';
import { LivePanel, type LiveSessionView } from './live.tsx';
import { ActionBar } from './ticket-actions.tsx';
import { ReplyBox } from './ticket-reply.tsx';

export interface Detail {
  ticket: {
    number: string;
    state: string;
    type: string;
    category: string;
    department: string | null;
    priority: string;
    redListTier: string | null;
    enterpriseName: string | null;
    creditCode: string | null;
    creditCheck: string;
    contactName: string | null;
    contactMobile: string | null;
    requestText: string;
    transcript: { from: string; text: string; at: string }[];
    dueAt: string;
    pendingExtension: { dueAt: string; reason: string } | null;
    reply: { text: string; at: string; by: string } | null;
    satisfaction: { level: string; comment: string | null } | null;
    mergedInto: string | null;
    supervised: boolean;
    createdAt: string;
    version: number;
  };
  events: {
    version: number;
    action: string;
    toState: string;
    actor: { kind: string; name?: string; id: string };
    at: string;
    note: string | null;
    data: Record<string, unknown>;
  }[];
  requesters: { channelId: string; mobile: string | null }[];
  allowedActions: string[];
  assignee: { accountId: string; name: string } | null;
  categoryLabel: string;
  departmentName: string | null;
  overdue: boolean;
}

const CHANNELS: Record<string, string> = {
  'lineone-webchat': '网页聊天',
  phone: '电话',
  'wechat-official': '微信公众号',
  'wechat-kf': '微信客服',
  wechaty: '微信',
};
const CREDIT: Record<string, string> = { valid: '已校验', unverified: '待核实', none: '' };
const OPEN = ['new', 'dispatched', 'accepted', 'in_progress', 'returned'];

export function TicketView({ number }: { number: string }) {
  const detail = useSignal<Detail | null>(null);
  const error = useSignal('');
  const changedBy = useSignal('');
  const live = useSignal<LiveSessionView | null>(null);

  const load = async (background = false) => {
    const fetch = background ? refresh : get;
    try {
      detail.value = await fetch<Detail>(`/tickets/${encodeURIComponent(number)}`);
      error.value = '';
      if (can('live')) {
        const sessions = (await fetch<{ sessions: LiveSessionView[] }>(`/tickets/${encodeURIComponent(number)}/live`)).sessions;
        live.value = sessions.find((s) => s.status === 'live' || s.status === 'waiting') ?? null;
      }
    } catch (err) {
      // A ticket that left this person's view (returned by a department, moved elsewhere): back to the queue.
      if (detail.value && err instanceof ApiError && err.code === 'NotFound') navigate('/queue');
      else error.value = describe(err);
    }
  };

  useEffect(() => {
    void load();
    // Someone else changed this ticket: show the new version at once, and say who. (The event already there when
    // the ticket opens is history: the first load shows it.)
    const seen = lastTicketEvent.peek();
    const stop = lastTicketEvent.subscribe((e) => {
      if (!e || e === seen || e.number !== number || (detail.value && e.version <= detail.value.ticket.version)) return;
      if (e.actor !== session.value?.user.name) changedBy.value = e.actor;
      void load(true);
    });
    // Presence: announce now and on every heartbeat; leave when the ticket closes.
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    void post<{ viewers: { id: string; name: string }[]; heartbeatMs: number }>('/presence', { ticket: number }).then(
      (r) => {
        viewers.value = { ...viewers.value, [number]: r.viewers };
        heartbeat = setInterval(() => void api('POST', '/presence', { ticket: number }, 'application/json', true).catch(() => undefined), r.heartbeatMs);
      },
      () => undefined,
    );
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === 'r' && !e.ctrlKey && !e.metaKey && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        const box = document.querySelector<HTMLTextAreaElement>('.reply textarea');
        if (box) (e.preventDefault(), box.focus());
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      stop();
      clearInterval(heartbeat);
      document.removeEventListener('keydown', onKey);
      void api('POST', '/presence', { ticket: number, leaving: true }, 'application/json', true).catch(() => undefined);
    };
  }, [number]);

  if (error.value && !detail.value)
    return (
      <div class="ticket">
        <p class="error">{error.value}</p>
      </div>
    );
  const d = detail.value;
  if (!d) return <div class="ticket loading">加载中…</div>;
  const t = d.ticket;
  const due = countdown(t.dueAt, now.value);
  const others = (viewers.value[number] ?? []).filter((v) => v.id !== session.value?.user.id);
  const chat = d.requesters.some((r) => r.channelId !== 'phone');

  return (
    <article class="ticket" aria-label={`工单 ${t.number}`}>
      <header class="ticket-head">
        <a class="back" href="#/queue">
          ← 返回列表
        </a>
        <h2>
          {t.number} <span class={`state s-${t.state}`}>{label.state(t.state)}</span>
          {t.priority === 'urgent' ? <span class="flag urgent">紧急</span> : null}
          {t.redListTier ? <span class="flag red">重点企业 · {label.tier(t.redListTier)}</span> : null}
          {t.supervised ? <span class="flag">督办</span> : null}
        </h2>
        <div class="facts">
          <span>
            {label.type(t.type)} · {d.categoryLabel}
          </span>
          <span>承办：{d.departmentName ?? '热线（未派单）'}</span>
          <span>受理：{at(t.createdAt)}</span>
          {OPEN.includes(t.state) ? (
            <span class={`due ${due.overdue ? 'overdue' : due.soon ? 'soon' : ''}`} title={`办理时限 ${at(t.dueAt)}`}>
              时限 {at(t.dueAt)}（{due.text}）
            </span>
          ) : null}
          {session.value?.user.role !== 'handler' ? <span>经办：{d.assignee?.name ?? '未分配'}</span> : null}
        </div>
        {others.length > 0 ? <p class="presence">👀 {others.map((v) => v.name).join('、')} 也在查看此工单</p> : null}
        {changedBy.value ? (
          <p class="info" role="status">
            {changedBy.value} 刚刚更新了此工单，已显示最新内容。
          </p>
        ) : null}
        {error.value ? <p class="error">{error.value}</p> : null}
      </header>

      <div class="ticket-body">
        <div class="col main-col">
          <section class="box">
            <h3>诉求</h3>
            <p class="request">{t.requestText}</p>
            <dl class="who">
              <dt>企业</dt>
              <dd>{t.enterpriseName ?? '个人'}</dd>
              {t.creditCode ? (
                <>
                  <dt>信用代码</dt>
                  <dd>
                    {t.creditCode} <small>{CREDIT[t.creditCheck]}</small>
                  </dd>
                </>
              ) : null}
              <dt>联系人</dt>
              <dd>{t.contactName ?? '—'}</dd>
              <dt>电话</dt>
              <dd>{t.contactMobile ?? '—'}</dd>
              <dt>渠道</dt>
              <dd>{[...new Set(d.requesters.map((r) => CHANNELS[r.channelId] ?? r.channelId))].join('、')}</dd>
            </dl>
            {t.pendingExtension ? (
              <p class="info">
                申请延期至 {at(t.pendingExtension.dueAt)}：{t.pendingExtension.reason}
              </p>
            ) : null}
            {t.reply ? (
              <div class="answer">
                <b>答复</b>（{t.reply.by}，{at(t.reply.at)}）<p>{t.reply.text}</p>
              </div>
            ) : null}
            {t.satisfaction ? (
              <p>
                评价：{label.satisfaction(t.satisfaction.level)}
                {t.satisfaction.comment ? `（${t.satisfaction.comment}）` : ''}
              </p>
            ) : null}
            {t.mergedInto ? (
              <p>
                已并入 <a href={`#/tickets/${t.mergedInto}`}>{t.mergedInto}</a>
              </p>
            ) : null}
          </section>

          <ActionBar detail={d} onDone={load} />
          {d.allowedActions.includes('reply') ? <ReplyBox detail={d} onDone={load} /> : null}
          {can('live') && chat ? <LivePanel ticket={t.number} session={live.value} onChange={load} /> : null}

          <section class="box">
            <h3>对话记录</h3>
            <ol class="transcript">
              {t.transcript.length === 0 ? <li class="empty">（电话或窗口受理，无聊天记录）</li> : null}
              {t.transcript.map((line, i) => (
                <li key={i} class={`msg from-${line.from}`}>
                  <span class="who">{line.from === 'user' ? '用户' : line.from === 'bot' ? '智能客服' : '坐席'}</span>
                  <span class="text">{line.text}</span>
                  <time>{at(line.at)}</time>
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside class="col side-col">
          <section class="box">
            <h3>办理记录</h3>
            <ol class="trail">
              {[...d.events].reverse().map((e) => (
                <li key={e.version} class={e.action === 'note' ? 'note' : ''}>
                  <div>
                    <b>{label.action(e.action)}</b> · {e.actor.name ?? e.actor.id} <time>{at(e.at)}</time>
                  </div>
                  {e.note ? <p>{e.note}</p> : null}
                  {e.action === 'dispatch' && typeof e.data.department === 'string' ? <p>派至 {label.department(e.data.department)}</p> : null}
                  {e.action === 'reply' && typeof e.data.reply === 'string' ? <p class="quote">{e.data.reply}</p> : null}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </article>
  );
}
