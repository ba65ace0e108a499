// The message list (role="log"): bubbles, cards, suggested actions, typing indicator, notices.
import { actionButton, renderAttachment, str, type ActionHandler } from './cards.ts';
import { h, icon, renderMarkdown } from './dom.ts';
import { AGENT_ICON } from './icons.ts';
import type { Activity } from './types.ts';

export type SendState = 'sending' | 'sent' | 'failed';

export interface UserMessage {
  setState(state: SendState): void;
}

const TYPING_MAX_MS = 5_000;

export class MessageList {
  readonly el = h('div', 'lo-log');
  private typing: HTMLElement | null = null;
  /** The newest bot message: a long answer is shown from its first line, not its last. */
  private readFrom: HTMLElement | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private suggestions: HTMLElement | null = null;

  constructor(private readonly onAction: ActionHandler) {
    this.el.setAttribute('role', 'log');
    this.el.setAttribute('aria-live', 'polite');
    this.el.setAttribute('aria-label', '对话记录');
    this.el.tabIndex = 0; // scrollable region must be reachable by keyboard
  }

  addUser(text: string, onRetry?: () => void): UserMessage {
    this.clearSuggestions();
    const row = h('div', 'lo-row lo-row-user');
    row.appendChild(h('div', 'lo-bubble lo-bubble-user', text));
    this.append(row, true);
    let retry: HTMLButtonElement | null = null; // created only if a send actually fails
    return {
      setState: (state) => {
        row.classList.toggle('lo-pending', state === 'sending');
        if (state === 'failed' && onRetry && !retry) {
          retry = h('button', 'lo-retry', '发送失败，点击重试');
          retry.type = 'button';
          retry.addEventListener('click', onRetry);
          row.appendChild(retry);
          this.scrollToEnd();
        }
        if (retry) retry.hidden = state !== 'failed';
      },
    };
  }

  addBot(activity: Activity): void {
    this.hideTyping();
    this.clearSuggestions();
    const content = h('div', 'lo-bot-content');
    const text = str(activity.text);
    if (text.trim()) {
      const bubble = h('div', 'lo-bubble lo-bubble-bot');
      bubble.appendChild(renderMarkdown(text));
      content.appendChild(bubble);
    }
    const cards = (Array.isArray(activity.attachments) ? activity.attachments : [])
      .map((a) => renderAttachment(a, this.onAction))
      .filter((c): c is HTMLElement => c !== null);
    if (cards.length) {
      const box = h('div', activity.attachmentLayout === 'carousel' && cards.length > 1 ? 'lo-carousel' : 'lo-cards');
      cards.forEach((c) => box.appendChild(c));
      content.appendChild(box);
    }
    if (content.childNodes.length) this.append(this.botRow(content));
    this.showSuggestions(activity);
  }

  addNotice(text: string): void {
    this.append(h('div', 'lo-notice', text));
  }

  showTyping(): void {
    clearTimeout(this.typingTimer);
    if (!this.typing) {
      const bubble = h('div', 'lo-bubble lo-bubble-bot lo-typing');
      bubble.setAttribute('aria-label', '客服正在输入');
      for (let i = 0; i < 3; i++) bubble.appendChild(h('span', 'lo-dot'));
      this.typing = this.botRow(bubble);
      this.append(this.typing);
    }
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_MAX_MS);
  }

  hideTyping(): void {
    clearTimeout(this.typingTimer);
    this.typing?.remove();
    this.typing = null;
  }

  clearSuggestions(): void {
    this.suggestions?.remove();
    this.suggestions = null;
  }

  private showSuggestions(activity: Activity): void {
    const actions = activity.suggestedActions?.actions;
    if (!Array.isArray(actions)) return;
    const box = h('div', 'lo-suggest');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', '推荐问题');
    for (const action of actions) {
      const button = actionButton(action, this.onAction, 'lo-chip');
      if (button) box.appendChild(button);
    }
    if (!box.childNodes.length) return;
    this.suggestions = box;
    this.append(box);
  }

  private botRow(content: HTMLElement): HTMLElement {
    const row = h('div', 'lo-row lo-row-bot');
    row.appendChild(icon(AGENT_ICON, 'lo-avatar-sm'));
    row.appendChild(content);
    return row;
  }

  /** Keeps the typing indicator last; follows new messages unless the visitor scrolled up to read. */
  private append(node: HTMLElement, force = false): void {
    const el = this.el;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (this.typing && node !== this.typing) el.insertBefore(node, this.typing);
    else el.appendChild(node);
    if (node !== this.typing && node.classList.contains('lo-row-bot')) this.readFrom = node;
    if (node.classList.contains('lo-row-user')) this.readFrom = null;
    if (!force && !nearBottom) return;
    this.scrollToEnd();
    // Card images change the height when they load.
    node.querySelectorAll('img').forEach((img) => img.addEventListener('load', () => this.scrollToEnd(), { once: true }));
  }

  scrollToEnd(): void {
    const el = this.el;
    const answerTop = this.readFrom ? this.readFrom.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - 8 : Number.POSITIVE_INFINITY;
    el.scrollTop = Math.min(el.scrollHeight, answerTop);
  }
}
