// 快捷回复 for supervisors: add, edit, delete. Agents pick them in the reply box and the live chat.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describe, post } from '../api.ts';
import { cannedReplies, loadCanned } from './ticket-reply.tsx';

export function Canned() {
  const editing = useSignal<string | null>(null);
  const error = useSignal('');
  useEffect(() => void loadCanned(true).catch((err) => (error.value = describe(err))), []);
  const save = async (form: HTMLFormElement, id: string | null) => {
    const data = new FormData(form);
    try {
      await post(id ? `/canned/${id}` : '/canned', { title: String(data.get('title') ?? ''), text: String(data.get('text') ?? '') });
      if (!id) form.reset();
      editing.value = null;
      error.value = '';
      await loadCanned(true);
    } catch (err) {
      error.value = describe(err);
    }
  };
  const remove = async (id: string) => {
    if (!confirm('删除这条快捷回复？')) return;
    try {
      await post(`/canned/${id}/delete`);
      await loadCanned(true);
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <div class="page narrow">
      <h2>快捷回复</h2>
      {error.value ? <p class="error">{error.value}</p> : null}
      <form class="box canned-form" onSubmit={(e) => (e.preventDefault(), void save(e.currentTarget as HTMLFormElement, null))}>
        <h3>新增</h3>
        <label>
          标题
          <input name="title" required maxLength={40} placeholder="如：社保转移材料" />
        </label>
        <label>
          内容
          <textarea name="text" required maxLength={2000} rows={3} />
        </label>
        <button class="primary" type="submit">
          添加
        </button>
      </form>
      <ol class="canned-list">
        {(cannedReplies.value ?? []).map((r) =>
          editing.value === r.id ? (
            <li key={r.id} class="box">
              <form onSubmit={(e) => (e.preventDefault(), void save(e.currentTarget as HTMLFormElement, r.id))}>
                <input name="title" required maxLength={40} defaultValue={r.title} aria-label="标题" />
                <textarea name="text" required maxLength={2000} rows={3} defaultValue={r.text} aria-label="内容" />
                <button class="primary" type="submit">
                  保存
                </button>
                <button type="button" onClick={() => (editing.value = null)}>
                  取消
                </button>
              </form>
            </li>
          ) : (
            <li key={r.id} class="box">
              <b>{r.title}</b>
              <p class="pre">{r.text}</p>
              <button onClick={() => (editing.value = r.id)}>编辑</button>{' '}
              <button class="danger" onClick={() => void remove(r.id)}>
                删除
              </button>
            </li>
          ),
        )}
      </ol>
    </div>
  );
}
