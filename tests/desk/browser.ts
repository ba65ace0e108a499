// Browser helpers for the desk's end-to-end tests: one Debian chromium with a separate context (its own cookies and
// storage) per person, so an agent, a handler and a user in the widget can work side by side. Skips like
// tests/e2e/browser.ts when chromium is missing, unless LINEONE_REQUIRE_SERVICES=1.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_PATH } from '../e2e/browser.ts';
import { NEW_PASSWORD } from './support.ts';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
export const LAPTOP = { width: 1366, height: 768 };
export const TABLET = { width: 820, height: 1180 };

export async function launchChromium(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `${CHROMIUM_PATH} not found (install: apt-get install -y chromium fonts-noto-cjk)`;
    if (process.env.LINEONE_REQUIRE_SERVICES === '1') throw new Error(reason);
    console.warn(`[e2e] skipping desk browser test: ${reason}`);
    return null;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and refused resources (CSP), which every test expects to stay empty. */
  errors: string[];
}

/** A person with their own cookies and storage, on a fresh page. */
export async function person(browser: Browser, viewport = LAPTOP): Promise<Person> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}

/** Signs in on the desk page (the account's own password already set). */
export async function signIn(page: Page, base: string, username: string, password = NEW_PASSWORD): Promise<void> {
  await page.goto(`${base}/desk/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.locator('.topbar').waitFor();
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `desk-${name}.png`) });

/** Opens the chat widget on the demo page and waits for the welcome. */
export async function openWidget(page: Page, base: string): Promise<void> {
  await page.goto(base);
  await page.locator('.lo-launcher').click();
  await page.locator('.lo-bubble-bot', { hasText: '企业服务一号线' }).first().waitFor();
}

/** Types a message in the widget and waits for a bot bubble containing `expect` (if given). */
export async function say(page: Page, text: string, expectText?: string | RegExp): Promise<void> {
  const bots = page.locator('.lo-bubble-bot');
  const before = await bots.count();
  await page.locator('.lo-input').fill(text);
  await page.locator('.lo-input').press('Enter');
  await page.locator('.lo-bubble-user', { hasText: text }).last().waitFor();
  if (expectText !== undefined) {
    await expect.poll(async () => (await bots.allTextContents()).slice(before).join('\n'), { timeout: 10_000 }).toMatch(expectText);
  }
}

/** A question the bot cannot answer becomes a ticket through the widget's intake; returns its number. */
export async function raiseTicketInWidget(page: Page): Promise<string> {
  await say(page, '我们公司想申请一笔技改补贴，流程是怎样的', '可以为您登记工单');
  await say(page, '登记工单', '请输入企业全称');
  await say(page, '福州某某科技有限公司', '统一社会信用代码');
  await say(page, '91110108MA01ABCDEN', '怎么称呼您');
  await say(page, '王会计', '手机号');
  await say(page, '13812345678', '您要反映的问题是');
  await say(page, '确认', '请核对登记信息');
  await say(page, '确认提交', '工单已登记');
  const receipt = (await page.locator('.lo-bubble-bot', { hasText: '工单已登记' }).last().textContent()) ?? '';
  const number = /QY\d{8}-\d{4}/.exec(receipt)?.[0];
  if (!number) throw new Error(`no ticket number in "${receipt}"`);
  return number;
}

/** 转人工 through the widget: the intake for an individual, then the ticket; returns its number. */
export async function askForPersonInWidget(page: Page): Promise<string> {
  await say(page, '转人工', '个人');
  await say(page, '个人', '怎么称呼您');
  await say(page, '李女士', '手机号');
  await say(page, '13912345678', '请简要描述');
  await say(page, '灵活就业人员社保怎么交', '请核对登记信息');
  await say(page, '确认提交', '工单已登记');
  const receipt = (await page.locator('.lo-bubble-bot', { hasText: '工单已登记' }).last().textContent()) ?? '';
  return /QY\d{8}-\d{4}/.exec(receipt)?.[0] as string;
}
