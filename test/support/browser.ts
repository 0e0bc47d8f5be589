import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for browser tests: Debian's `chromium` package (which .ci/run installs and points
 * CHROMIUM_PATH at), driven by playwright-core. Playwright's own browser download does not work here, so
 * the executable is always given explicitly. Without a Chromium, browser tests are skipped locally with a
 * notice; in CI (CI=true) its absence fails the run instead of skipping silently.
 */

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags Chromium needs to start as root on a machine with a closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Bounds for starting the browser and for each page action, so a hung browser fails a test instead of the run. */
const LAUNCH_TIMEOUT_MS = 20_000;
const ACTION_TIMEOUT_MS = 15_000;

/** Where screenshots go: <repo>/test-output (ignored by git). */
export const TEST_OUTPUT_DIR = path.resolve(__dirname, '../../test-output');

/** The Chromium executable: $CHROMIUM_PATH, else /usr/bin/chromium if it exists, else undefined. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  return fs.existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : undefined;
}

function usableChromium(): string | undefined {
  const p = chromiumPath();
  return p && fs.existsSync(p) ? p : undefined;
}

/** Browsers opened by openPage and not yet closed; describeWithBrowser closes any left over after its tests. */
const openBrowsers = new Set<Browser>();

export function describeWithBrowser(name: string, body: () => void): void {
  const executable = usableChromium();
  if (!executable && process.env.CI) {
    describe(name, () =>
      it('needs Chromium in CI', () => {
        throw new Error(`no Chromium at ${chromiumPath() ?? DEFAULT_CHROMIUM}: .ci/run installs Debian's chromium and sets CHROMIUM_PATH`);
      }),
    );
    return;
  }
  if (!executable) {
    console.warn(`skipped "${name}": no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)`);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    afterAll(async () => {
      await Promise.all([...openBrowsers].map((b) => b.close().catch(() => undefined)));
      openBrowsers.clear();
    });
    body();
  });
}

export interface OpenedPage {
  page: Page;
  /** URLs the page tried to load that are neither file:// nor on localhost; each was aborted. */
  blocked: string[];
  close: () => Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function allowed(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'file:' || u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') {
    return LOCAL_HOSTS.has(u.hostname);
  }
  return false;
}

function toUrl(fileOrUrl: string): string {
  if (/^(https?|file):\/\//i.test(fileOrUrl)) return fileOrUrl;
  return pathToFileURL(path.resolve(fileOrUrl)).href;
}

/**
 * Opens a file (a path or file:// URL) or a localhost http URL in a fresh headless Chromium at 1280x900.
 * Every request that is not file:// or to 127.0.0.1/localhost is aborted and its URL recorded in `blocked`,
 * so a page that reaches for an external asset fails loudly. Always call close() (it is also done after
 * the enclosing describeWithBrowser block).
 */
export async function openPage(fileOrUrl: string): Promise<OpenedPage> {
  const executablePath = usableChromium();
  if (!executablePath) throw new Error('openPage: no Chromium found (set CHROMIUM_PATH)');

  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
  openBrowsers.add(browser);
  const close = async (): Promise<void> => {
    openBrowsers.delete(browser);
    await browser.close();
  };

  try {
    // Service workers are blocked so every request goes through the route below.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);

    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (allowed(url)) {
        await route.continue();
      } else {
        blocked.push(url);
        await route.abort('blockedbyclient');
      }
    });

    const page = await context.newPage();
    await page.goto(toUrl(fileOrUrl), { waitUntil: 'load' });
    return { page, blocked, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Saves a full-page PNG to test-output/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  fs.mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
