// The desk in the browser: find out who is signed in, then render the shell.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { ApiError, get } from './api.ts';
import { App } from './app.tsx';
import { enter } from './auth.ts';
import { type Me, notice } from './state.ts';

async function start(): Promise<void> {
  try {
    await enter(await get<Me>('/session'));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) notice.value = '无法连接服务器，请稍后刷新页面。';
  }
  render(<App />, document.getElementById('app') as HTMLElement);
}

void start();
