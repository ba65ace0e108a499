// Entry point of webchat.js: <script src="https://host/webchat.js" data-title="…" data-open="true">
// adds a launcher button and a chat panel talking to https://host/v3/directline.
import { DirectLineApi } from './api.ts';
import { Chat, STATUS_TEXT } from './chat.ts';
import { readConfig } from './config.ts';
import { DirectLine } from './directline.ts';
import { MessageList } from './render.ts';
import { loadOpen, saveOpen } from './storage.ts';
import { Shell } from './ui.ts';

declare global {
  interface Window {
    LineOne?: { open(): void; close(): void; ask(text: string): void };
  }
}

const config = readConfig(); // now, while document.currentScript is still set

function boot(): void {
  if (window.LineOne) return; // the script was included twice
  let chat: Chat | undefined;
  const list = new MessageList((action) => chat?.act(action));
  const dl = new DirectLine(new DirectLineApi(config.origin + '/v3/directline'), {
    onActivities: (activities) => chat?.receive(activities),
    onStatus: (status) => shell.setStatus(STATUS_TEXT[status]),
    onNewConversation: () => list.addNotice('之前的会话已结束，已为您开始新的会话'),
  });
  const shell = new Shell({
    title: config.title,
    subtitle: config.subtitle,
    log: list.el,
    onOpenChange: (open) => {
      saveOpen(open);
      if (open) dl.start(); // connect lazily: page views that never open the chat cost nothing
    },
    onSubmit: (text) => chat?.sendText(text),
    onTyping: () => dl.typing(),
  });
  chat = new Chat(dl, list, () => shell.setUnread(true));
  document.body.appendChild(shell.host);

  const api = {
    open: () => shell.setOpen(true, true),
    close: () => shell.setOpen(false),
    ask: (text: string) => {
      shell.setOpen(true, true);
      if (text.trim()) chat?.sendText(text.trim());
    },
  };
  window.LineOne = api;
  // Host pages can open the chat without inline script: <a data-lineone-ask="如何办理社保登记？">
  document.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest('[data-lineone-open],[data-lineone-ask]') : null;
    if (!target) return;
    e.preventDefault();
    api.ask(target.getAttribute('data-lineone-ask') || '');
  });

  // A reload mid-conversation keeps the panel open (and resumes the conversation).
  if (config.openAtLoad || loadOpen()) shell.setOpen(true);
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot);
