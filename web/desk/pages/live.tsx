// 接管: the requests waiting for a person and the conversations agents are in, and the chat itself: the user's
// words as they arrive, "正在输入…" while they type, the agent's messages (sent to the user's own channel), and
// the end of the conversation after which the bot answers again.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { describe, get, post, refresh } from '../api.ts';
import { clock, countdown } from '../format.ts';
import { can, liveChanged, liveMessage, liveTyping, now, session } from '../state.ts';
import { CannedPicker } from './ticket-reply.tsx';

export interface LiveSessionView {
  id: string;
  channelId: string;
  conversationId: string;
  ticketNumber: string | null;
  status: 'waiting' | 'live' | 'ended' | 'missed';
  agentId: string | null;
  agentName: string | null;
  requestedAt: string;
  waitUntil: string | null;
  joinedAt: string | null;
}

interface Message {
  id: string;
  sender: string;
  authorName: string | null;
  text: string;
  at: string;
}

const waiting = signal(0);
let counting = false;

/** How many requests wait for a person (the badge on the top bar), kept fresh by live events. */
export function useLiveCount(): number {
  useEffect(() => {
    if (!can('live') || counting) return;
    counting = true;
    // Called at once by subscribe, then on every live event: the page's own refreshes.
    const stop = liveChanged.subscribe(
      () =>
        void refresh<{ sessions: LiveSessionView[] }>('/live').then(
          (r) => (waiting.value = r.sessions.filter((s) => s.status === 'waiting').length),
          () => undefined,
        ),
    );
    return () => ((counting = false), stop());
  }, []);
  return waiting.value;
}

export function LivePage() {
  const sessions = useSignal<LiveSessionView[]>([]);
  const openId = useSignal<string | null>(null);
  const error = useSignal('');
  const load = () =>
    refresh<{ sessions: LiveSessionView[] }>('/live').then(
      (r) => ((sessions.value = r.sessions), (error.value = '')),
      (err) => (error.value = describe(err)),
    );
  useEffect(() => liveChanged.subscribe(() => void load()), []);
  const me = session.value?.user.id;
  const take = async (id: string) => {
    try {
      await post(`/live/${id}/take`);
      openId.value = id;
      await load();
    } catch (err) {
      error.value = describe(err);
    }
  };
  const open = sessions.value.find((s) => s.id === openId.value) ?? sessions.value.find((s) => s.status === 'live' && s.agentId === me);
  return (
    <div class="page live-page">
      <section class="box live-list">
        <h2>在线接管</h2>
        {error.value ? <p class="error">{error.value}</p> : null}
        <ol class="rows">
          {sessions.value.length === 0 ? <li class="empty">目前没有等待人工的用户</li> : null}
          {sessions.value.map((s) => (
            <li key={s.id} class={`row ${open?.id === s.id ? 'open' : ''}`}>
              <div class="line1">
                <span class={`state live-${s.status}`}>{s.status === 'waiting' ? '等待接入' : `${s.agentName ?? ''} 接待中`}</span>
                {s.ticketNumber ? <a href={`#/tickets/${s.ticketNumber}`}>{s.ticketNumber}</a> : null}
                <span>{clock(s.requestedAt)} 请求</span>
                {s.status === 'waiting' && s.waitUntil ? <span class="due soon">{countdown(s.waitUntil, now.value).text}</span> : null}
              </div>
              {s.status === 'waiting' ? (
                <button class="primary" onClick={() => void take(s.id)}>
                  接入
                </button>
              ) : s.agentId === me ? (
                <button onClick={() => (openId.value = s.id)}>打开对话</button>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      <section class="live-open box">
        {open && open.status === 'live' && open.agentId === me ? (
          <>
            <h3>
              与用户的对话
              {open.ticketNumber ? <a href={`#/tickets/${open.ticketNumber}`}>工单 {open.ticketNumber}</a> : null}
            </h3>
            <LiveChat key={open.id} session={open} onEnded={() => void load()} />
          </>
        ) : (
          <div class="placeholder">接入一位用户后，对话显示在这里</div>
        )}
      </section>
    </div>
  );
}

/** The live part of a ticket: take the chat, or talk in it. */
export function LivePanel({ ticket, session: s, onChange }: { ticket: string; session: LiveSessionView | null; onChange: () => Promise<void> }) {
  const error = useSignal('');
  const me = session.value?.user.id;
  const act = async (path: string) => {
    try {
      await post(path);
      error.value = '';
      await onChange();
    } catch (err) {
      error.value = describe(err);
      await onChange();
    }
  };
  return (
    <section class="box live" aria-label="在线对话">
      <h3>在线对话</h3>
      {!s ? (
        <p>
          <button class="primary" onClick={() => void act(`/tickets/${ticket}/live`)}>
            接管对话
          </button>{' '}
          <small>接管后机器人暂停回复，用户看到“人工坐席已接入”。</small>
        </p>
      ) : s.status === 'waiting' ? (
        <p>
          用户正在等待人工接入。{' '}
          <button class="primary" onClick={() => void act(`/live/${s.id}/take`)}>
            接入
          </button>
        </p>
      ) : s.agentId === me ? (
        <LiveChat session={s} onEnded={() => void onChange()} />
      ) : (
        <p>由 {s.agentName} 接待中。</p>
      )}
      {error.value ? (
        <p class="error" role="alert">
          {error.value}
        </p>
      ) : null}
    </section>
  );
}

function LiveChat({ session: s, onEnded }: { session: LiveSessionView; onEnded: () => void }) {
  const messages = useSignal<Message[]>([]);
  const error = useSignal('');
  const box = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);

  useEffect(() => {
    void get<{ messages: Message[] }>(`/live/${s.id}`).then(
      (r) => (messages.value = r.messages),
      (err) => (error.value = describe(err)),
    );
    return liveMessage.subscribe((m) => {
      if (!m || m.sessionId !== s.id || messages.value.some((x) => x.id === m.message.id)) return;
      messages.value = [...messages.value, m.message];
    });
  }, [s.id]);
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages.value.length]);

  const send = async () => {
    const text = box.current?.value.trim();
    if (!text) return;
    try {
      const { message } = await post<{ message: Message }>(`/live/${s.id}/messages`, { text });
      if (box.current) box.current.value = '';
      if (!messages.value.some((x) => x.id === message.id)) messages.value = [...messages.value, message];
      error.value = '';
    } catch (err) {
      error.value = describe(err);
    }
  };
  const end = async () => {
    try {
      await post(`/live/${s.id}/end`, { reason: '坐席结束对话' });
      onEnded();
    } catch (err) {
      error.value = describe(err);
    }
  };
  const typing = liveTyping.value && liveTyping.value.sessionId === s.id && now.value - liveTyping.value.at < 4000;

  return (
    <div class="live-chat">
      <ol class="chat" ref={log} aria-live="polite" aria-label="与用户的对话">
        {messages.value.length === 0 ? <li class="empty">已接入，等待用户发言…</li> : null}
        {messages.value.map((m) => (
          <li key={m.id} class={`msg from-${m.sender}`}>
            <span class="who">{m.sender === 'user' ? '用户' : (m.authorName ?? '坐席')}</span>
            <span class="text">{m.text}</span>
            <time>{clock(m.at)}</time>
          </li>
        ))}
      </ol>
      <p class="typing">{typing ? '用户正在输入…' : '\u00a0'}</p>
      <textarea
        ref={box}
        rows={2}
        maxLength={2000}
        aria-label="发给用户的消息"
        placeholder="输入消息，Enter 发送，Shift+Enter 换行"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) (e.preventDefault(), void send());
        }}
      />
      <div class="form-buttons">
        <button class="primary" onClick={() => void send()}>
          发送
        </button>
        <CannedPicker target={() => box.current} />
        <button class="danger" onClick={() => void end()}>
          结束对话
        </button>
      </div>
      {error.value ? (
        <p class="error" role="alert">
          {error.value}
        </p>
      ) : null}
    </div>
  );
}
