/**
 * Debian's chromium, headless, for the browser suites (playwright-core drives it; no browser is
 * downloaded). Without /usr/bin/chromium the suites are skipped with a message, except with
 * CI=true, where its absence fails the run (.ci/run installs it).
 *
 *   describe.skipIf(!hasChromium())('…', () => { const browser = useChromium(); … });
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser as Chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listen, type YesgraphServer } from '../../src/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-results/screenshots');

/**
 * This machine (and CI) has no internet: without these, chromium keeps trying to reach its
 * update, sync and field-trial services and floods the log with refused connections.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function hasChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is not installed: apt-get install -y chromium`);
  console.warn(`${CHROMIUM} is not installed: the browser tests are skipped (apt-get install -y chromium runs them)`);
  return false;
}

export interface Browser {
  /** A tab in a new browser context (nothing stored yet) that records what it should never do. */
  page(origin: string): Promise<WatchedPage>;
}

export interface WatchedPage {
  readonly page: Page;
  /** Requests that left `origin` (data: and blob: URLs aside). */
  readonly external: string[];
  /** Uncaught exceptions, console errors (Content-Security-Policy violations are among them). */
  readonly errors: string[];
  screenshot(name: string): Promise<string>;
}

/**
 * One chromium for the enclosing describe block. playwright starts it on a fresh temporary
 * profile (--user-data-dir) and removes it on close.
 */
export function useChromium(): Browser {
  let browser: Chromium | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async page(origin) {
      if (!browser) throw new Error('chromium used outside a test');
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      const page = await context.newPage();
      // Well inside the test's own timeout, so that a wait that fails says what it waited for.
      page.setDefaultTimeout(10_000);
      const external: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      return {
        page,
        external,
        errors,
        async screenshot(name) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          const path = join(SCREENSHOTS, `${name}.png`);
          await page.screenshot({ path, fullPage: true });
          return path;
        },
      };
    },
  };
}

/** Serves `server()` on a free loopback port for the enclosing describe block (after it exists). */
export function useListening(server: () => YesgraphServer): { readonly origin: string } {
  let http: Awaited<ReturnType<typeof listen>> | undefined;
  let origin = '';
  beforeAll(async () => {
    http = await listen(server(), '127.0.0.1', 0, { rawUrl: true });
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((done) => (http ? http.close(done) : done(undefined)));
  });
  return {
    get origin() {
      if (!origin) throw new Error('server not listening yet');
      return origin;
    },
  };
}
