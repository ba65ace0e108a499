// The administrator's page: accounts (create with a temporary password, change role or department, disable, reset
// the password), the departments of the dispatch catalogue, and the red list (重点企业名单) as CSV.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError, api, describe, get, post } from '../api.ts';
import { at } from '../format.ts';
import { catalog, label } from '../state.ts';

interface Account {
  id: string;
  username: string;
  displayName: string;
  role: string;
  department: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  lastLoginAt: string | null;
}

const ROLES = ['agent', 'handler', 'supervisor', 'admin'];

export function Admin() {
  const accounts = useSignal<Account[]>([]);
  const message = useSignal('');
  const error = useSignal('');
  const role = useSignal('agent');
  const redlist = useSignal<{ creditCode: string; name: string; tier: string }[]>([]);
  const load = async () => {
    try {
      accounts.value = (await get<{ accounts: Account[] }>('/accounts')).accounts;
      redlist.value = (await get<{ entries: { creditCode: string; name: string; tier: string }[] }>('/redlist')).entries;
    } catch (err) {
      error.value = describe(err);
    }
  };
  useEffect(() => void load(), []);
  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      message.value = done;
      error.value = '';
      await load();
    } catch (err) {
      message.value = '';
      const lines = err instanceof ApiError ? err.problems.slice(0, 5).map((p) => `第 ${p.line} 行：${p.message}`) : [];
      error.value = [describe(err), ...lines].join('；');
    }
  };
  const create = (form: HTMLFormElement) => {
    const d = new FormData(form);
    const body = {
      username: String(d.get('username')),
      displayName: String(d.get('displayName')),
      role: String(d.get('role')),
      password: String(d.get('password')),
      ...(d.get('role') === 'handler' ? { department: String(d.get('department')) } : {}),
    };
    void run(
      async () => (await post('/accounts', body), form.reset(), (role.value = 'agent')),
      `已创建账号 ${body.username}，请将临时密码告知本人（首次登录须修改）。`,
    );
  };
  const departments = catalog.value?.departments ?? [];
  return (
    <div class="page admin">
      <h2>管理</h2>
      {message.value ? (
        <p class="info" role="status">
          {message.value}
        </p>
      ) : null}
      {error.value ? (
        <p class="error" role="alert">
          {error.value}
        </p>
      ) : null}
      <section class="box">
        <h3>新建账号</h3>
        <form class="inline-form" onSubmit={(e) => (e.preventDefault(), create(e.currentTarget as HTMLFormElement))}>
          <input name="username" required placeholder="用户名（字母数字）" pattern="[a-zA-Z0-9._\-]{3,32}" aria-label="用户名" />
          <input name="displayName" required maxLength={32} placeholder="姓名" aria-label="姓名" />
          <select name="role" aria-label="角色" value={role.value} onChange={(e) => (role.value = (e.target as HTMLSelectElement).value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {label.role(r)}
              </option>
            ))}
          </select>
          {role.value === 'handler' ? (
            <select name="department" aria-label="所属部门" required>
              {departments.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          ) : null}
          <input name="password" type="password" required minLength={10} placeholder="临时密码" aria-label="临时密码" autocomplete="new-password" />
          <button class="primary" type="submit">
            创建
          </button>
        </form>
      </section>
      <section class="box">
        <h3>账号</h3>
        <table class="table">
          <thead>
            <tr>
              <th>用户名</th>
              <th>姓名</th>
              <th>角色</th>
              <th>部门</th>
              <th>状态</th>
              <th>最近登录</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {accounts.value.map((a) => (
              <tr key={a.id} class={a.disabled ? 'disabled' : ''}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{label.role(a.role)}</td>
                <td>{a.role === 'handler' ? label.department(a.department) : ''}</td>
                <td>{a.disabled ? '已停用' : a.locked ? '已锁定' : a.mustChangePassword ? '待改密' : '正常'}</td>
                <td>{at(a.lastLoginAt)}</td>
                <td>
                  <button
                    onClick={() =>
                      void run(() => post(`/accounts/${a.id}`, { disabled: !a.disabled }), a.disabled ? `已启用 ${a.username}` : `已停用 ${a.username}`)
                    }
                  >
                    {a.disabled ? '启用' : '停用'}
                  </button>{' '}
                  <button
                    onClick={() => {
                      const pw = prompt(`为 ${a.username} 设置临时密码（至少 10 位，首次登录须修改）`);
                      if (pw) void run(() => post(`/accounts/${a.id}`, { password: pw }), `已重置 ${a.username} 的密码`);
                    }}
                  >
                    重置密码
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="box">
        <h3>部门（派单目录）</h3>
        <ul class="departments">
          {departments.map((d) => (
            <li key={d.code}>
              <b>{d.name}</b> <small>{d.code}</small> · 承办账号：
              {accounts.value
                .filter((a) => a.role === 'handler' && a.department === d.code && !a.disabled)
                .map((a) => a.displayName)
                .join('、') || '无'}
            </li>
          ))}
        </ul>
      </section>
      <section class="box">
        <h3>重点企业名单（{redlist.value.length} 家）</h3>
        <p class="note">
          上传 CSV（列：统一社会信用代码,企业名称,类别），任何一行有误则整份不导入。
          <a href="/api/desk/redlist.csv" download>
            导出当前名单
          </a>
        </p>
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="上传名单 CSV"
          onChange={(e) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (file) void run(async () => api('POST', '/redlist', await file.text(), 'text/csv'), '名单已导入');
          }}
        />
        <table class="table">
          <tbody>
            {redlist.value.slice(0, 50).map((r) => (
              <tr key={r.creditCode}>
                <td>{r.creditCode}</td>
                <td>{r.name}</td>
                <td>{label.tier(r.tier)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
