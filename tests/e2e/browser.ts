// Launches Debian's chromium (apt-get install -y chromium fonts-noto-cjk) through playwright-core,
// which ships no browser of its own. Tests skip when it is missing, unless
// LINEONE_REQUIRE_SERVICES=1 (CI) makes that a failure.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `${CHROMIUM_PATH} not found (install: apt-get install -y chromium fonts-noto-cjk)`;
    if (process.env.LINEONE_REQUIRE_SERVICES === '1') throw new Error(reason);
    console.warn(`[e2e] skipping browser test: ${reason}`);
    return null;
  }
  // A persistent context in a fresh directory: isolated profile, cleaned up by close().
  const dir = await mkdtemp(join(tmpdir(), 'lineone-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      locale: 'zh-CN',
      viewport: options.viewport ?? { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      context,
      page,
      close: async () => {
        await context.close().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
