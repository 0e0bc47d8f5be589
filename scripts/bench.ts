/**
 * npm run bench: order-select throughput and latency beside a bare Express route, in one run.
 *
 * Starts the service (from ts-node without type-checking), a bare Express 5 server and a local
 * FHIR stub (scripts/fhir-stub.ts, no nock) in child processes, then loads with autocannon:
 * the bare route, order-select with full prefetch, and order-select with no prefetch (every key
 * read from the stub with a bearer token). Prints requests/s and p50/p99 latency.
 * Options: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (10).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { hookRequest } from '../fhir-fixtures/build';

const ROOT = path.resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const BARE_SERVER = `
const express = require('express');
const app = express();
app.disable('x-powered-by'); app.set('etag', false);
app.use(express.json({ limit: '5mb' }));
app.post('/bare', (req, res) => res.json({ cards: [] }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: server.address().port })));
`;

function startChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env } });
  return new Promise((resolve, reject) => {
    let output = '';
    let listening = false;
    // Logs keep flowing (one line per hook call, as in production); only the start is read.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (listening) return;
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match && /listening/.test(output)) {
        listening = true;
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before listening: ${output}`)));
    setTimeout(() => reject(new Error(`no "listening" line within 30 s: ${output}`)), 30000).unref();
  });
}

async function measure(name: string, url: string, body: string): Promise<{ name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  // Warm-up, then the measured run.
  await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, duration: 1 });
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, duration: SECONDS });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct', 'mammography-diagnostic-breast'] });
  const body = JSON.stringify(request);
  const service = await startChild([path.join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'src/main.ts'], { NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://127.0.0.1', DATABASE_URL: 'sqlite:./data/bench.db', CDS_TRUSTED_ISSUERS: 'config/trusted-issuers.example.json' });
  const bare = await startChild(['-e', BARE_SERVER]);
  const stub = await startChild([path.join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'scripts/fhir-stub.ts', 'pos-mcode']);
  const fallback = JSON.stringify({ ...request, prefetch: undefined, fhirServer: `http://127.0.0.1:${stub.port}/fhir/R4`, fhirAuthorization: { access_token: 'bench-token', token_type: 'Bearer' } });
  try {
    const check = await fetch(`http://127.0.0.1:${service.port}/cds-services/axilla-imaging-order-select`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    if (check.status !== 200) throw new Error(`the service answered ${check.status}: ${await check.text()}`);
    const cards = ((await check.json()) as { cards: unknown[] }).cards.length;
    const viaStub = await fetch(`http://127.0.0.1:${service.port}/cds-services/axilla-imaging-order-select`, { method: 'POST', body: fallback, headers: { 'content-type': 'application/json' } });
    const stubCards = viaStub.status === 200 ? ((await viaStub.json()) as { cards: unknown[] }).cards.length : -1;
    if (stubCards !== cards) throw new Error(`without prefetch the service answered ${viaStub.status} with ${stubCards} cards, not ${cards}`);
    const rows = [
      await measure('bare Express 5 route (JSON body, {"cards":[]})', `http://127.0.0.1:${bare.port}/bare`, body),
      await measure(`order-select with prefetch (${cards} cards)`, `http://127.0.0.1:${service.port}/cds-services/axilla-imaging-order-select`, body),
      await measure(`order-select, no prefetch: 6 reads from a local FHIR stub`, `http://127.0.0.1:${service.port}/cds-services/axilla-imaging-order-select`, fallback),
    ];
    process.stdout.write(`\naxilla-cds bench: ${CONNECTIONS} connections, ${SECONDS} s per target, request body ${body.length} bytes\n`);
    for (const r of rows) {
      process.stdout.write(`${r.name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}   non-2xx ${r.non2xx}\n`);
    }
  } finally {
    service.child.kill();
    bare.child.kill();
    stub.child.kill();
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
