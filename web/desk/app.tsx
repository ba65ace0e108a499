// The shell: sign-in until there is a session, the forced password change, then the top bar and the page the hash
// names. Pages by route: #/queue, #/tickets/<number>, #/live, #/dashboard, #/canned, #/admin.
import { post } from './api.ts';
import { signedOut } from './auth.ts';
import { Admin } from './pages/admin.tsx';
import { Canned } from './pages/canned.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { LivePage } from './pages/live.tsx';
import { Login, PasswordChange } from './pages/login.tsx';
import { QueuePage } from './pages/queue.tsx';
import { can, catalog, label, liveChanged, navigate, route, session, streamOnline } from './state.ts';
import { useLiveCount } from './pages/live.tsx';

const NAV: { path: string; text: string; capability?: string }[] = [
  { path: '/queue', text: '工单' },
  { path: '/live', text: '在线接管', capability: 'live' },
  { path: '/dashboard', text: '看板', capability: 'dashboard' },
  { path: '/canned', text: '快捷回复', capability: 'canned.manage' },
  { path: '/admin', text: '管理', capability: 'accounts' },
];

export function App() {
  const me = session.value;
  if (!me) return <Login />;
  if (me.user.mustChangePassword) return <PasswordChange forced />;
  if (!catalog.value) return <div class="loading">加载中…</div>;
  const path = route.value;
  const section = '/' + (path.split('/')[1] ?? 'queue');
  return (
    <div class="shell">
      <TopBar section={section} />
      <main class="main">{page(path)}</main>
    </div>
  );
}

function page(path: string) {
  if (path.startsWith('/tickets/') || path === '/queue' || path === '/')
    return <QueuePage open={path.startsWith('/tickets/') ? decodeURIComponent(path.slice(9)) : null} />;
  if (path === '/live' && can('live')) return <LivePage />;
  if (path === '/dashboard' && can('dashboard')) return <Dashboard />;
  if (path === '/canned' && can('canned.manage')) return <Canned />;
  if (path === '/admin' && can('accounts')) return <Admin />;
  if (path === '/password') return <PasswordChange />;
  navigate('/queue');
  return null;
}

function TopBar({ section }: { section: string }) {
  const me = session.value!;
  void liveChanged.value;
  const waiting = useLiveCount();
  return (
    <header class="topbar">
      <div class="brand">
        企业服务一号线 <span>坐席工作台</span>
      </div>
      <nav>
        {NAV.filter((n) => !n.capability || can(n.capability)).map((n) => (
          <a key={n.path} href={`#${n.path}`} class={section === n.path || (n.path === '/queue' && section === '/tickets') ? 'active' : ''}>
            {n.text}
            {n.path === '/live' && waiting > 0 ? <b class="badge">{waiting}</b> : null}
          </a>
        ))}
      </nav>
      <div class="me">
        <span class={`dot ${streamOnline.value ? 'on' : 'off'}`} title={streamOnline.value ? '实时更新已连接' : '实时更新重连中'} />
        <span class="who">
          {me.user.name} · {label.role(me.user.role)}
          {me.user.department ? ` · ${label.department(me.user.department)}` : ''}
        </span>
        <a href="#/password">改密码</a>
        <button class="link" onClick={() => void post('/session/logout').finally(() => signedOut('您已退出登录。'))}>
          退出
        </button>
      </div>
    </header>
  );
}
