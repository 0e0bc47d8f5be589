import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Auditor } from '../../src/audit/auditor';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { testApp } from '../support/app';
import { describeWithBrowser, openPage, screenshot, TEST_OUTPUT_DIR } from '../support/browser';
import { scriptedDay } from '../support/scripted-day';

const ENV = { AUDIT_HMAC_KEY: 'k'.repeat(40) };
const SILENT = { ...ENV, SILENT_SERVICES: 'axilla-imaging-order-select' };
const TOKEN = 'governance-committee-credential-2026';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-report-'));
const file = path.join(dir, 'day.db');
const out = path.join(TEST_OUTPUT_DIR, 'governance');
let store: Store;
let governanceApp: Express;

beforeAll(async () => {
  store = await openStore(`sqlite:${file}`);
  const main = testApp(ENV, { store });
  const silent = testApp(SILENT, { store });
  await scriptedDay(main.app, silent.app, [main.auditor, silent.auditor] as Auditor[]);
  governanceApp = testApp({ ...SILENT, GOVERNANCE_TOKEN: TOKEN }, { store }).app;
  // The committee's command, on the store the scripted day wrote.
  execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/report.ts', '--out', out], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}`, ...SILENT },
    stdio: 'pipe',
  });
}, 120_000);
afterAll(async () => store.close());

describe('npm run report', () => {
  it('writes report.html and report.md; the Markdown states the calls in words', () => {
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(md).toContain('10 hook calls');
    expect(md).toContain('Evaluating for distant metastatic disease');
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|\bsrc=["']?https?:/i);
  });

  it('refuses a period that is not a date', () => {
    expect(() =>
      execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/report.ts', '--out', out, '--from', '2026-13-01'], {
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}` },
        stdio: 'pipe',
      }),
    ).toThrow(/--from must be a date as YYYY-MM-DD/);
  }, 60_000);
});

describeWithBrowser('the governance report in a real browser', () => {
  it('shows the scripted day: calls, cards, silent would-have-shown, override reasons, unknown-card feedback; loads nothing from outside', async () => {
    const { page, blocked, close } = await openPage(path.join(out, 'report.html'));
    try {
      const summary = (await page.textContent('#summary')) ?? '';
      expect(summary).toContain('10 hook calls');
      const did = (await page.textContent('#did')) ?? '';
      expect(did).toMatch(/Node positive|node-positive/i);
      expect(did).toMatch(/would have shown/i);
      const answered = (await page.textContent('#answered')) ?? '';
      for (const reason of [
        'Evaluating for distant metastatic disease',
        'Ordered to evaluate the primary breast tumour, not the axilla',
        'Other clinical reason (see comment)',
      ])
        expect(answered).toContain(reason);
      expect(answered).toMatch(/1 feedback item/);
      const knows = (await page.textContent('#knows')) ?? '';
      expect(knows).toContain('ACR topic 235 variant 5 overlaps this variant');
      expect(await page.locator('#summary svg, #did svg').count()).toBeGreaterThan(0);
      expect(blocked).toEqual([]);
      const png = await screenshot(page, 'governance-report');
      expect(fs.statSync(png).size).toBeGreaterThan(10_000);
    } finally {
      await close();
    }
  }, 60_000);
});

describe('GET /governance', () => {
  it('answers 404 when no credential is configured', async () => {
    await request(testApp(ENV, { store }).app).get('/governance').expect(404);
  });

  it('asks for its credential (401 with a Basic challenge) and refuses a wrong one', async () => {
    const res = await request(governanceApp).get('/governance').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    await request(governanceApp).get('/governance').set('Authorization', 'Bearer wrong').expect(401);
  });

  it("serves the report to a Bearer token or a browser's Basic login, never cached", async () => {
    const res = await request(governanceApp).get('/governance').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('10 hook calls');
    const basic = Buffer.from(`committee:${TOKEN}`).toString('base64');
    await request(governanceApp).get('/governance?from=2000-01-01').set('Authorization', `Basic ${basic}`).expect(200);
  });

  it('refuses a period that is not a date with 400', async () => {
    await request(governanceApp).get('/governance?from=yesterday').set('Authorization', `Bearer ${TOKEN}`).expect(400);
  });
});
