import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithBrowser, openPage, screenshot, type OpenedPage } from '../support/browser';

// Self-test of the browser-test support (test/support/browser.ts): headless Chromium opens a local file,
// renders it, screenshots it, and blocks anything that is not local.

const TIMEOUT_MS = 20_000;

describeWithBrowser('headless Chromium (browser test support)', () => {
  let dir: string;
  let opened: OpenedPage | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-browser-'));
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writePage(name: string, html: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, html, 'utf8');
    return file;
  }

  it(
    'renders a local page with inline SVG, blocks nothing, and screenshots it',
    async () => {
      const file = writePage(
        'local.html',
        `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smoke</title>
<style>body{font-family:sans-serif;margin:2rem} h1{color:#1a4d8f}</style></head>
<body>
  <h1 id="title">Axilla report smoke test</h1>
  <svg width="240" height="120" viewBox="0 0 240 120" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="bars">
    <rect x="10" y="60" width="50" height="50" fill="#2a9d8f"/>
    <rect x="80" y="30" width="50" height="80" fill="#e9c46a"/>
    <rect x="150" y="10" width="50" height="100" fill="#e76f51"/>
  </svg>
</body></html>`,
      );
      opened = await openPage(file);
      const { page, blocked } = opened;

      expect((await page.textContent('#title'))?.trim()).toBe('Axilla report smoke test');
      expect(await page.locator('svg rect').count()).toBe(3);
      expect(blocked).toEqual([]);

      const png = await screenshot(page, 'browser-smoke');
      const bytes = fs.readFileSync(png);
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      // IHDR width at bytes 16..19: the 1280-px viewport.
      expect(bytes.readUInt32BE(16)).toBe(1280);
    },
    TIMEOUT_MS,
  );

  it(
    'aborts and records a request for an external asset',
    async () => {
      const file = writePage(
        'external.html',
        `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>External</title></head>
<body><h1>External image</h1><img id="ext" src="https://example.org/x.png" alt="external"></body></html>`,
      );
      opened = await openPage(file);
      const { page, blocked } = opened;

      expect(blocked).toContain('https://example.org/x.png');
      // The image never loaded.
      expect(await page.$eval('#ext', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(0);
    },
    TIMEOUT_MS,
  );
});
