// The widget chrome: launcher button, panel (header, status line, log, composer) and their
// keyboard / mobile behaviour. Knows nothing about Direct Line.
import { h, icon } from './dom.ts';
import { AGENT_ICON, CHAT_ICON, CLOSE_ICON } from './icons.ts';
import { CSS } from './styles.ts';

export interface ShellOptions {
  title: string;
  subtitle: string;
  log: HTMLElement;
  onOpenChange(open: boolean): void;
  onSubmit(text: string): void;
  /** The visitor is typing (a person at the desk sees it during a live chat). */
  onTyping?(): void;
}

const NARROW = '(max-width: 480px)';

export class Shell {
  readonly host = h('div');
  private readonly root = h('div', 'lo-root');
  private readonly launcher = h('button', 'lo-launcher');
  private readonly launcherLabel = h('span', undefined, '在线咨询');
  private readonly panel = h('section', 'lo-panel');
  private readonly status = h('div', 'lo-status');
  readonly input = h('textarea', 'lo-input');
  private opened = false;

  constructor(private readonly opts: ShellOptions) {
    this.host.id = 'lineone-webchat';
    // Shadow DOM isolates us from host-page CSS; very old browsers get the prefixed classes only.
    const mountPoint = this.host.attachShadow ? this.host.attachShadow({ mode: 'open' }) : this.host;
    mountPoint.appendChild(h('style', undefined, CSS));
    mountPoint.appendChild(this.root);

    this.launcher.type = 'button';
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.append(icon(CHAT_ICON), this.launcherLabel, h('span', 'lo-badge'));
    this.launcher.addEventListener('click', () => this.setOpen(!this.opened, true));
    this.updateLauncher();

    this.panel.setAttribute('role', 'dialog');
    this.panel.setAttribute('aria-label', opts.title);
    this.panel.append(this.header(), this.status, opts.log, this.composer(), h('div', 'lo-note', '智能客服答复仅供参考，以相关部门最新规定为准'));
    this.status.setAttribute('role', 'status');
    this.status.hidden = true;
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.setOpen(false);
    });

    this.root.append(this.launcher, this.panel);
    this.followVisualViewport();
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** `animate` only for the visitor's own clicks: a panel restored on reload should just be there. */
  setOpen(open: boolean, animate = false): void {
    if (open === this.opened) return;
    this.opened = open;
    this.root.classList.toggle('lo-open', open);
    this.root.classList.toggle('lo-animate', open && animate);
    this.updateLauncher();
    if (open) {
      this.setUnread(false);
      // Focusing on touch devices would pop the keyboard over the welcome message.
      if (window.matchMedia?.('(pointer: fine)').matches) this.input.focus();
    } else if (this.root.contains(document.activeElement) || this.host.shadowRoot?.activeElement) {
      this.launcher.focus();
    }
    this.opts.onOpenChange(open);
  }

  setUnread(unread: boolean): void {
    this.root.classList.toggle('lo-unread', unread && !this.opened);
  }

  setStatus(text: string | null): void {
    this.status.textContent = text ?? '';
    this.status.hidden = !text;
  }

  private updateLauncher(): void {
    const open = this.opened;
    this.launcherLabel.textContent = open ? '收起' : '在线咨询';
    this.launcher.setAttribute('aria-label', open ? '收起对话窗口' : '打开在线咨询：' + this.opts.title);
    this.launcher.setAttribute('aria-expanded', String(open));
  }

  private header(): HTMLElement {
    const header = h('div', 'lo-header');
    const text = h('div', 'lo-head-text');
    const title = h('div', 'lo-title', this.opts.title);
    title.setAttribute('role', 'heading');
    title.setAttribute('aria-level', '2');
    const subtitle = h('div', 'lo-subtitle');
    subtitle.append(h('span', 'lo-online'), h('span', undefined, this.opts.subtitle));
    text.append(title, subtitle);
    const close = h('button', 'lo-close');
    close.type = 'button';
    close.setAttribute('aria-label', '关闭对话窗口');
    close.appendChild(icon(CLOSE_ICON));
    close.addEventListener('click', () => this.setOpen(false));
    header.append(icon(AGENT_ICON, 'lo-avatar'), text, close);
    return header;
  }

  private composer(): HTMLElement {
    const form = h('form', 'lo-composer');
    const input = this.input;
    input.rows = 1;
    input.maxLength = 500;
    input.placeholder = '请输入您的问题…';
    input.setAttribute('aria-label', '输入您的问题');
    input.setAttribute('enterkeyhint', 'send');
    const send = h('button', 'lo-send', '发送');
    send.type = 'submit';
    send.setAttribute('aria-label', '发送消息');

    const submit = () => {
      const text = input.value.trim();
      if (!text) return;
      this.opts.onSubmit(text);
      input.value = '';
      this.autosize();
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit();
    });
    input.addEventListener('keydown', (e) => {
      // Enter while a Chinese IME is composing picks a candidate; it must not send.
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      submit();
    });
    input.addEventListener('input', () => {
      this.autosize();
      if (input.value.trim()) this.opts.onTyping?.();
    });
    form.append(input, send);
    return form;
  }

  private autosize(): void {
    const input = this.input;
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 128) + 'px';
  }

  /** iOS keeps the layout viewport when the keyboard opens; pin the full-screen panel to what is visible. */
  private followVisualViewport(): void {
    const vv = window.visualViewport;
    if (!vv || !window.matchMedia) return;
    const narrow = window.matchMedia(NARROW);
    const update = () => {
      const style = this.panel.style;
      const shrunk = this.opened && narrow.matches && vv.height < window.innerHeight - 1;
      style.top = shrunk ? vv.offsetTop + 'px' : '';
      style.height = shrunk ? vv.height + 'px' : '';
      style.bottom = shrunk ? 'auto' : '';
    };
    vv.addEventListener('resize', update);
    vv.addEventListener('scroll', update);
  }
}
