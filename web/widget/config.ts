// Reads the widget's settings from its own <script> tag. Must run synchronously while the script
// is executing: document.currentScript is null afterwards.

export interface WidgetConfig {
  /** Origin serving webchat.js; its Direct Line API is at `${origin}/v3/directline`. */
  origin: string;
  title: string;
  subtitle: string;
  openAtLoad: boolean;
}

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // Fallback when injected in ways that hide currentScript: the last tag that loads webchat.js.
  const all = document.querySelectorAll<HTMLScriptElement>('script[src*="webchat"]');
  return all[all.length - 1] ?? null;
}

export function readConfig(): WidgetConfig {
  const script = ownScript();
  const data = script ? script.dataset : {};
  let origin = location.origin;
  try {
    if (script?.src) origin = new URL(script.src, location.href).origin;
  } catch {
    // keep the page origin
  }
  return {
    origin,
    title: data.title || '企业服务一号线',
    subtitle: data.subtitle || '7×24 小时在线 · 社保/医保/公积金咨询',
    openAtLoad: data.open === 'true',
  };
}
