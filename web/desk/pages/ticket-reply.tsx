// 答复: the text the user reads in their own chat (it goes through the ticket's reply action and the outbox), with
// the supervisors' 快捷回复 one pick away. Ctrl+Enter sends; r (in the ticket) comes here.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, describe, get, post } from '../api.ts';
import type { Detail } from './ticket.tsx';

export interface CannedReply {
  id: string;
  title: string;
  text: string;
}

export const cannedReplies = signal<CannedReply[] | null>(null);

export async function loadCanned(force = false): Promise<CannedReply[]> {
  if (!cannedReplies.value || force) cannedReplies.value = (await get<{ replies: CannedReply[] }>('/canned')).replies;
  return cannedReplies.value;
}

/** A pick list of canned replies that inserts the chosen text at the cursor of `target`. */
export function CannedPicker({ target, onInsert }: { target: () => HTMLTextAreaElement | null; onInsert?: () => void }) {
  useEffect(() => void loadCanned().catch(() => undefined), []);
  const list = cannedReplies.value ?? [];
  if (list.length === 0) return null;
  return (
    <select
      class="canned"
      aria-label="快捷回复"
      value=""
      onChange={(e) => {
        const reply = list.find((r) => r.id === (e.target as HTMLSelectElement).value);
        const box = target();
        if (!reply || !box) return;
        const start = box.selectionStart ?? box.value.length;
        box.value = box.value.slice(0, start) + reply.text + box.value.slice(box.selectionEnd ?? start);
        box.focus();
        onInsert?.();
      }}
    >
      <option value="">快捷回复…</option>
      {list.map((r) => (
        <option key={r.id} value={r.id}>
          {r.title}
        </option>
      ))}
    </select>
  );
}

export function ReplyBox({ detail, onDone }: { detail: Detail; onDone: () => Promise<void> }) {
  const box = useRef<HTMLTextAreaElement>(null);
  const error = useSignal('');
  const sent = useSignal('');
  const busy = useSignal(false);

  const send = async () => {
    const text = box.current?.value.trim() ?? '';
    if (!text) return;
    busy.value = true;
    try {
      await post(`/tickets/${detail.ticket.number}/actions/reply`, { expectedVersion: detail.ticket.version, text });
      if (box.current) box.current.value = '';
      error.value = '';
      sent.value = '答复已发送，用户将在原渠道收到。';
      await onDone();
    } catch (err) {
      error.value = describe(err);
      // Someone changed the ticket: show the new version; the text stays for a second try.
      if (err instanceof ApiError && err.code === 'Conflict') await onDone();
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="box reply" aria-label="答复用户">
      <h3>答复用户</h3>
      <textarea
        ref={box}
        rows={3}
        maxLength={10_000}
        placeholder="输入答复，用户将在原聊天渠道收到（Ctrl+Enter 发送）"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (e.preventDefault(), void send());
        }}
        onInput={() => (sent.value = '')}
      />
      <div class="form-buttons">
        <button class="primary" disabled={busy.value} onClick={() => void send()}>
          发送答复
        </button>
        <CannedPicker target={() => box.current} />
        {sent.value ? <span class="ok">{sent.value}</span> : null}
      </div>
      {error.value ? (
        <p class="error" role="alert">
          {error.value}
        </p>
      ) : null}
    </section>
  );
}
