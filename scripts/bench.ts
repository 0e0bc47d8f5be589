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
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { hookRequest } from '../fhir-fixtures/build';
import { TrustStore } from '../src/security/trust';
import { verifyCdsJwt } from '../src/security/verify';
import { openSqliteStore } from '../src/store/sqlite';
import { Auditor } from '../src/audit/auditor';
import type { HookRequest } from '../src/cds/types';
import { loadConfig } from '../src/config/load';
import { createHookHandler } from '../src/hook-handler';
import { loadKnowledge } from '../src/knowledge/load';
import { createLogger } from '../src/log';

const ROOT = path.resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const BASE_URL = 'http://127.0.0.1';
const SERVICE_PATH = '/cds-services/axilla-imaging-order-select';

/** A bench EHR: its own key pairs, trusted through a temporary trust file, as a real site's would be. */
const es384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rs384 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ISSUERS = {
  ES384: { iss: 'https://bench-es384.example', key: es384 },
  RS384: { iss: 'https://bench-rs384.example', key: rs384 },
} as const;
const trustedIssuers = Object.entries(ISSUERS).map(([alg, { iss, key }]) => ({ iss, jwks: { keys: [{ ...(key.publicKey.export({ format: 'jwk' }) as object), kid: `${alg}-1`, alg }] }, algorithms: [alg] }));
const trustFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-bench-')), 'trusted-issuers.json');
fs.writeFileSync(trustFile, JSON.stringify(trustedIssuers));

function sign(alg: keyof typeof ISSUERS, audience: string): Promise<string> {
  const { iss, key } = ISSUERS[alg];
  return new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg, typ: 'JWT', kid: `${alg}-1` }).setIssuer(iss).setAudience(audience).setIssuedAt().setExpirationTime('10m').sign(key.privateKey);
}

/** Every call needs a fresh jti (replays are refused), so tokens are signed before the load starts. */
async function tokenPool(count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await sign('ES384', `${BASE_URL}${SERVICE_PATH}`));
  return tokens;
}

/** In-process cost of verifying one hook call's JWT (signature, claims, replay insert into SQLite). */
async function jwtCost(alg: keyof typeof ISSUERS, count: number): Promise<number> {
  const trust = new TrustStore(trustedIssuers, { timeoutMs: 2000, cooldownMs: 30000, maxAgeMs: 600000 });
  const store = openSqliteStore(':memory:');
  const audience = `${BASE_URL}${SERVICE_PATH}`;
  const tokens = await Promise.all(Array.from({ length: count }, () => sign(alg, audience)));
  const options = { trust, store, clockToleranceSeconds: 60, maxTokenAgeSeconds: 3600 };
  for (const t of tokens.slice(0, 50)) await verifyCdsJwt(t, audience, options).catch(() => undefined);
  const started = process.hrtime.bigint();
  for (const t of tokens.slice(50)) await verifyCdsJwt(t, audience, options);
  await store.close();
  return Number(process.hrtime.bigint() - started) / 1000 / (count - 50);
}

/**
 * What the audit trail costs a hook call: building its row (keyed hashes, cards) and queueing it, on the
 * hot path; writing it, in batches of 200 into a SQLite file, after the answer. Measured in process.
 */
async function auditCost(count: number): Promise<{ recordUs: number; writeUs: number }> {
  const knowledge = loadKnowledge({});
  const { config } = loadConfig({ NODE_ENV: 'test', AUDIT_FLUSH_MS: '60000', AUDIT_QUEUE_MAX: String(count + 10), AUDIT_HMAC_KEY: 'b'.repeat(40) });
  const store = openSqliteStore(path.join(path.dirname(trustFile), 'audit-bench.db'));
  const auditor = new Auditor(store, createLogger('silent'), knowledge, config.governance);
  const handle = createHookHandler(knowledge, config.site, config.fhir);
  const service = knowledge.services[0];
  const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct', 'mammography-diagnostic-breast'] }) as unknown as HookRequest;
  const evaluation = await handle(service, request, {});
  const input = { service, request, evaluation, status: 200, latencyMs: 1, silent: false };
  auditor.record(input);
  await auditor.close(5000);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) auditor.record(input);
  await new Promise((resolve) => setImmediate(resolve));
  const recorded = process.hrtime.bigint();
  await auditor.close(60_000);
  const written = process.hrtime.bigint();
  await store.close();
  return { recordUs: Number(recorded - started) / 1000 / count, writeUs: Number(written - recorded) / 1000 / count };
}

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

async function measure(name: string, url: string, body: string, tokens?: string[]): Promise<{ name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  let next = 0;
  const requests = [
    {
      method: 'POST' as const,
      body,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: autocannon.Request): autocannon.Request => ({ ...req, headers: { ...req.headers, ...(tokens ? { authorization: `Bearer ${tokens[next++ % tokens.length]}` } : {}) } }),
    },
  ];
  // Warm-up, then the measured run.
  await autocannon({ url, requests, connections: CONNECTIONS, duration: 1 });
  const result = await autocannon({ url, requests, connections: CONNECTIONS, duration: SECONDS });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct', 'mammography-diagnostic-breast'] });
  const body = JSON.stringify(request);
  const dbFile = path.join(path.dirname(trustFile), 'bench.db');
  const service = await startChild([path.join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'src/main.ts'], { NODE_ENV: 'production', PUBLIC_BASE_URL: BASE_URL, DATABASE_URL: `sqlite:${dbFile}`, CDS_TRUSTED_ISSUERS: trustFile });
  process.stdout.write('signing tokens for the load (one per call: replays are refused)...\n');
  const tokens = await tokenPool(Number(process.env.BENCH_TOKENS ?? 25000));
  const bare = await startChild(['-e', BARE_SERVER]);
  const stub = await startChild([path.join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'scripts/fhir-stub.ts', 'pos-mcode']);
  const fallback = JSON.stringify({ ...request, prefetch: undefined, fhirServer: `http://127.0.0.1:${stub.port}/fhir/R4`, fhirAuthorization: { access_token: 'bench-token', token_type: 'Bearer' } });
  try {
    const authorised = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
    const check = await fetch(`http://127.0.0.1:${service.port}${SERVICE_PATH}`, { method: 'POST', body, headers: authorised(await sign('ES384', `${BASE_URL}${SERVICE_PATH}`)) });
    if (check.status !== 200) throw new Error(`the service answered ${check.status}: ${await check.text()}`);
    const cards = ((await check.json()) as { cards: unknown[] }).cards.length;
    const viaStub = await fetch(`http://127.0.0.1:${service.port}${SERVICE_PATH}`, { method: 'POST', body: fallback, headers: authorised(await sign('ES384', `${BASE_URL}${SERVICE_PATH}`)) });
    const stubCards = viaStub.status === 200 ? ((await viaStub.json()) as { cards: unknown[] }).cards.length : -1;
    if (stubCards !== cards) throw new Error(`without prefetch the service answered ${viaStub.status} with ${stubCards} cards, not ${cards}`);
    const rows = [
      await measure('bare Express 5 route (JSON body, {"cards":[]})', `http://127.0.0.1:${bare.port}/bare`, body),
      await measure(`order-select with prefetch, ES384 JWT (${cards} cards)`, `http://127.0.0.1:${service.port}${SERVICE_PATH}`, body, tokens),
      await measure(`order-select, no prefetch: 8 reads from a local FHIR stub`, `http://127.0.0.1:${service.port}${SERVICE_PATH}`, fallback, tokens.slice().reverse()),
    ];
    process.stdout.write(`\naxilla-cds bench: ${CONNECTIONS} connections, ${SECONDS} s per target, request body ${body.length} bytes\n`);
    for (const r of rows) {
      process.stdout.write(`${r.name.padEnd(60)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}   non-2xx ${r.non2xx}\n`);
    }
    const es = await jwtCost('ES384', 2050);
    const rs = await jwtCost('RS384', 2050);
    process.stdout.write(`JWT verification per call, in process (signature, claims, jti insert into SQLite): ES384 ${es.toFixed(0)} µs, RS384 ${rs.toFixed(0)} µs\n`);
    const audit = await auditCost(20_000);
    process.stdout.write(`Audit per call, in process: ${audit.recordUs.toFixed(1)} µs on the hot path (row with keyed hashes, queued), ${audit.writeUs.toFixed(1)} µs after the answer (batched SQLite write, 2 cards)\n`);
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
