// The buttons for what can be done to the ticket now (the server says which, for this role and state), each with a
// small form for what it needs. Every change names the version shown; if someone changed the ticket meanwhile the
// server refuses it (409), the page says so and shows the new version.
import { useSignal } from '@preact/signals';
import { ApiError, describe, post } from '../api.ts';
import { can, catalog, label, session } from '../state.ts';
import type { Detail } from './ticket.tsx';

interface Field {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'select';
  required?: boolean;
  options?: [string, string][];
  value?: string;
  max?: number;
}

const reason = (text = '原因'): Field => ({ name: 'reason', label: text, kind: 'textarea', required: true, max: 1000 });
const note: Field = { name: 'note', label: '备注（可选）', kind: 'text', max: 1000 };

function fields(action: string, d: Detail): Field[] {
  const cat = catalog.value!;
  switch (action) {
    case 'dispatch': {
      const own = cat.categories.find((c) => c.code === d.ticket.category)?.department;
      return [{ name: 'department', label: '派至', kind: 'select', required: true, value: own, options: cat.departments.map((x) => [x.code, x.name]) }, note];
    }
    case 'return':
      return [reason('退回原因（如：不属于本单位职责）')];
    case 'request_extension':
      return [{ name: 'workingDays', label: '延长工作日', kind: 'number', required: true, value: '3', max: 15 }, reason('延期原因')];
    case 'refuse_extension':
      return [reason('不同意的原因')];
    case 'remind':
    case 'supervise':
      return [{ name: 'note', label: action === 'remind' ? '催办意见' : '督办意见', kind: 'textarea', required: true, max: 1000 }];
    case 'resolve':
      return [
        {
          name: 'reply',
          label: d.ticket.reply ? '办结答复（留空沿用已有答复）' : '办结答复（用户将收到）',
          kind: 'textarea',
          required: !d.ticket.reply,
          max: 10_000,
          value: '',
        },
        note,
      ];
    case 'rate':
      return [
        { name: 'satisfaction', label: '回访结果', kind: 'select', required: true, options: Object.entries(cat.labels.satisfaction) },
        { name: 'comment', label: '用户意见（可选）', kind: 'text', max: 1000 },
      ];
    case 'close':
      return [reason('关闭原因')];
    case 'reopen':
      return [reason('重办原因')];
    case 'merge':
      return [{ name: 'into', label: '并入工单号', kind: 'text', required: true, max: 40 }, note];
    case 'note':
      return [{ name: 'text', label: '内部备注（仅工作人员可见）', kind: 'textarea', required: true, max: 1000 }];
    case 'recategorize':
      return [
        {
          name: 'category',
          label: '正确的类别',
          kind: 'select',
          required: true,
          value: d.ticket.category,
          options: cat.categories.map((c) => [c.code, c.label]),
        },
        note,
      ];
    default:
      return [note];
  }
}

export function ActionBar({ detail, onDone }: { detail: Detail; onDone: () => Promise<void> }) {
  const active = useSignal<string | null>(null);
  const error = useSignal('');
  const busy = useSignal(false);
  const actions = detail.allowedActions.filter((a) => a !== 'reply');
  const mine = detail.assignee?.accountId === session.value?.user.id;

  const submit = async (action: string, form: HTMLFormElement) => {
    const data = Object.fromEntries(new FormData(form).entries()) as Record<string, string>;
    const body: Record<string, unknown> = { expectedVersion: detail.ticket.version };
    for (const [k, v] of Object.entries(data)) if (v.trim() !== '') body[k] = k === 'workingDays' ? Number(v) : v;
    busy.value = true;
    try {
      await post(`/tickets/${detail.ticket.number}/actions/${action}`, body);
      active.value = null;
      error.value = '';
      await onDone();
    } catch (err) {
      error.value = describe(err);
      if (err instanceof ApiError && (err.code === 'Conflict' || err.code === 'IllegalTransition')) await onDone();
    } finally {
      busy.value = false;
    }
  };

  const claim = async () => {
    try {
      await post(`/tickets/${detail.ticket.number}/assign`, { to: mine ? null : 'me' });
      await onDone();
    } catch (err) {
      error.value = describe(err);
    }
  };

  const open = active.value;
  return (
    <section class="box actions" aria-label="操作">
      <div class="buttons">
        {actions.map((a) => (
          <button key={a} class={open === a ? 'on' : ''} data-action={a} onClick={() => ((active.value = open === a ? null : a), (error.value = ''))}>
            {label.action(a)}
          </button>
        ))}
        {can('assign.self') ? (
          <button class="ghost" onClick={() => void claim()}>
            {mine ? '释放' : detail.assignee ? '改由我办' : '认领'}
          </button>
        ) : null}
      </div>
      {open ? (
        <form
          class="action-form"
          aria-label={label.action(open)}
          onSubmit={(e) => (e.preventDefault(), void submit(open, e.currentTarget as HTMLFormElement))}
          onKeyDown={(e) => e.key === 'Escape' && (active.value = null)}
        >
          {fields(open, detail).map((f) => (
            <label key={f.name}>
              {f.label}
              {f.kind === 'textarea' ? (
                <textarea name={f.name} required={f.required} maxLength={f.max} rows={3} defaultValue={f.value} autoFocus />
              ) : f.kind === 'select' ? (
                <select name={f.name} required={f.required} defaultValue={f.value}>
                  {f.options?.map(([v, t]) => (
                    <option key={v} value={v}>
                      {t}
                    </option>
                  ))}
                </select>
              ) : f.kind === 'number' ? (
                <input name={f.name} type="number" min={1} max={f.max} required={f.required} defaultValue={f.value} />
              ) : (
                <input name={f.name} type="text" maxLength={f.max} required={f.required} defaultValue={f.value} />
              )}
            </label>
          ))}
          <div class="form-buttons">
            <button class="primary" type="submit" disabled={busy.value}>
              确认{label.action(open)}
            </button>
            <button type="button" onClick={() => (active.value = null)}>
              取消
            </button>
          </div>
        </form>
      ) : null}
      {error.value ? (
        <p class="error" role="alert">
          {error.value}
        </p>
      ) : null}
    </section>
  );
}
