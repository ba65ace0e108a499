// Every call to the desk API: same-origin JSON with the session cookie; changes carry the CSRF token the sign-in
// handed over. Errors become ApiError with a message for people (Chinese), whatever the server said.
import { session } from './state.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Line-by-line problems of a refused file (the red list). */
    readonly problems: { line: number; message: string }[] = [],
  ) {
    super(message);
  }
}

/** What a person reads when a call fails. */
const MESSAGES: Record<string, string> = {
  Conflict: '工单已被其他人修改，页面已刷新为最新内容，请确认后再操作。',
  IllegalTransition: '工单当前的状态不允许这个操作，页面已刷新。',
  CsrfFailed: '页面已过期，请刷新页面后重试。',
  Forbidden: '您的角色无权进行此操作。',
  NotFound: '没有找到（可能已被删除，或不属于您的部门）。',
  PayloadTooLarge: '内容太大，无法提交。',
  TooManyRequests: '操作过于频繁，请稍后再试。',
  ServiceError: '系统出了点问题，请稍后再试。',
  NetworkError: '网络连接失败，请检查网络后重试。',
};

/** The server's own words when they are meant for people ("desk: 中文…"), else the code's message. */
export function describe(err: unknown): string {
  if (!(err instanceof ApiError)) return MESSAGES.ServiceError as string;
  const own = err.message.replace(/^desk: /, '');
  if (/[\u4e00-\u9fff]/.test(own) && err.code !== 'Conflict' && err.code !== 'NotFound') return own;
  return MESSAGES[err.code] ?? (err.status === 400 ? `输入有误：${own}` : (MESSAGES.ServiceError as string));
}

/**
 * `background`: the page asks by itself (a refresh after a live event, a heartbeat). The server does not count it
 * as activity, so a desk left open still signs out after the idle time.
 */
export async function api<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json', background = false): Promise<T> {
  const headers: Record<string, string> = {};
  if (background) headers['X-Desk-Background'] = '1';
  if (body !== undefined) headers['Content-Type'] = contentType;
  const csrf = session.value?.csrfToken;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api/desk${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'network');
  }
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; problems?: { line: number; message: string }[] } } | undefined)?.error;
    // Signed out elsewhere, or the session ran out: back to the sign-in page with a word why.
    if (res.status === 401 && path !== '/session') expired();
    throw new ApiError(res.status, error?.code ?? 'ServiceError', error?.message ?? res.statusText, error?.problems);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const get = <T = any>(path: string) => api<T>('GET', path);
/** A GET the page makes by itself (see `api`). */
export const refresh = <T = any>(path: string) => api<T>('GET', path, undefined, 'application/json', true);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>('POST', path, body);

/** The query string of the defined values of an object. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

let onExpired: () => void = () => undefined;
export const whenExpired = (fn: () => void) => (onExpired = fn);
const expired = () => onExpired();
