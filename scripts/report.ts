/**
 * The governance report: reads the configured store (DATABASE_URL) and writes <dir>/report.html (one
 * self-contained file) and <dir>/report.md with the same figures.
 *
 *   npm run -s report -- --out ./governance [--from 2026-11-01] [--to 2026-11-30]
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config/load';
import { loadKnowledge } from '../src/knowledge/load';
import { buildReport, periodDay } from '../src/report/build';
import { renderHtml } from '../src/report/render-html';
import { renderMarkdown } from '../src/report/render-markdown';
import { openStore } from '../src/store/open';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const out = option('out');
  if (!out) {
    process.stderr.write('usage: npm run -s report -- --out <dir> [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n');
    process.exit(2);
  }
  const period = { from: periodDay(option('from'), '--from'), to: periodDay(option('to'), '--to') };
  const { config } = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const knowledge = loadKnowledge({ siteOrderCodesFile: config.siteOrderCodesFile });
  const store = await openStore(config.databaseUrl);
  try {
    const data = await buildReport({ knowledge, config, store, period });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'report.html'), renderHtml(data));
    fs.writeFileSync(path.join(out, 'report.md'), renderMarkdown(data));
    process.stdout.write(
      `${data.did.calls} hook calls, ${data.answered.cardsShown} cards shown, ${data.answered.feedbackItems} feedback items: ${path.join(out, 'report.html')} and report.md\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`report: ${error instanceof ConfigError ? error.message : error.message}\n`);
  process.exit(1);
});
