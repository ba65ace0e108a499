// Sign-in, and the password change (forced after an administrator set the password).
import { useSignal } from '@preact/signals';
import { ApiError, describe, post } from '../api.ts';
import { enter } from '../auth.ts';
import { type Me, navigate, notice, session } from '../state.ts';

export function Login() {
  const error = useSignal('');
  const busy = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    busy.value = true;
    error.value = '';
    try {
      await enter(await post<Me>('/session', { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') }));
    } catch (err) {
      error.value = err instanceof ApiError && (err.code === 'LoginFailed' || err.code === 'AccountLocked') ? err.message : describe(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1>企业服务一号线</h1>
        <p class="sub">12345 企业服务专线 · 坐席工作台</p>
        {notice.value && !error.value ? <p class="info">{notice.value}</p> : null}
        <label>
          用户名
          <input name="username" autocomplete="username" required maxLength={64} autoFocus />
        </label>
        <label>
          密码
          <input name="password" type="password" autocomplete="current-password" required maxLength={128} />
        </label>
        {error.value ? (
          <p class="error" role="alert">
            {error.value}
          </p>
        ) : null}
        <button class="primary" type="submit" disabled={busy.value}>
          {busy.value ? '登录中…' : '登录'}
        </button>
      </form>
    </div>
  );
}

export function PasswordChange({ forced = false }: { forced?: boolean }) {
  const error = useSignal('');
  const done = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = String(form.get('next') ?? '');
    if (next !== String(form.get('again') ?? '')) {
      error.value = '两次输入的新密码不一致';
      return;
    }
    try {
      const me = await post<Me>('/session/password', { current: String(form.get('current') ?? ''), next });
      // The session stays; its CSRF token does too.
      await enter({ ...me, csrfToken: session.value?.csrfToken ?? me.csrfToken });
      done.value = true;
      if (forced) navigate('/queue');
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <div class={forced ? 'login' : 'page narrow'}>
      <form class="card login-card" onSubmit={submit}>
        <h1>{forced ? '首次登录，请设置新密码' : '修改密码'}</h1>
        <p class="sub">至少 10 位，包含字母、数字、符号中的至少两类，不能包含用户名。修改后其他设备上的登录将退出。</p>
        <label>
          当前密码
          <input name="current" type="password" autocomplete="current-password" required />
        </label>
        <label>
          新密码
          <input name="next" type="password" autocomplete="new-password" required minLength={10} maxLength={128} />
        </label>
        <label>
          再次输入新密码
          <input name="again" type="password" autocomplete="new-password" required />
        </label>
        {error.value ? (
          <p class="error" role="alert">
            {error.value}
          </p>
        ) : null}
        {done.value && !forced ? <p class="info">密码已修改。</p> : null}
        <button class="primary" type="submit">
          保存新密码
        </button>
      </form>
    </div>
  );
}
