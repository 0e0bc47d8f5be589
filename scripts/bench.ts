/**
 * npm run bench: the service as in production, measured beside a bare Express app, in one run (issue 12).
 *
 * Builds (npm run build) and starts `node dist/src/main.js` with NODE_ENV=production, a bench trust file (an RS384
 * and an ES384 issuer, inline keys, `fhirServers` naming the FHIR stub), SQLite in a temp dir and the audit trail
 * (always on); the FHIR stub (scripts/fhir-stub.ts) and a bare Express app that parses the same body, all on
 * 127.0.0.1. Then, for order-select on the pos-mcode fixture with an FDG-PET/CT order, each call with its own
 * pre-signed token: the bare app and the service at a fixed 200 req/s (evenly spaced) and at saturation
 * (autocannon), RS384 and ES384; the same call without prefetch with the stub adding 20 ms to each read; records
 * grown to 2,000 Observations and 500 administrations read in pages of 100; a soak at 200 req/s with the
 * service's RSS each minute; start-up time; and two instances sharing one PostgreSQL (throughput, replays).
 * Prints one table with each target and PASS/FAIL, and writes the figures as JSON to BENCH_OUT.
 *
 * Options (environment): BENCH_OUT (bench-results.json), BENCH_SOAK_S (300), BENCH_SECONDS (10, each
 * saturation run), BENCH_RATE_SECONDS (15, each fixed-rate run), BENCH_RATE (200), BENCH_FALLBACK_RATE (50),
 * BENCH_CONNECTIONS (10), BENCH_GROWTH_CALLS (50 per size), BENCH_PROFILE=1 (CPU profile of a saturation run),
 * BENCH_SKIP_BUILD=1 (use dist/ as it is), BENCH_POSTGRES_URL or TEST_POSTGRES_URL (else a throwaway cluster).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hookRequest } from '../fhir-fixtures/build';
import { fixedRate, percentiles, post, saturate, sequential, type RateResult, type SaturationResult, type Target } from './bench/load';
import { startPostgres } from './bench/postgres';
import {
  cleanUpNow,
  logTails,
  memory,
  onExit,
  resetPeak,
  rssSampler,
  sleep,
  startListening,
  startService,
  stop,
  type Service,
} from './bench/proc';
import { summariseProfile, type ProfileSummary } from './bench/profile';
import { signToken, TokenPool, trustEntries, type Alg } from './bench/tokens';

const ROOT = path.resolve(__dirname, '..');
const MAIN_JS = path.join(ROOT, 'dist/src/main.js');
const TS_NODE = path.join(ROOT, 'node_modules/ts-node/dist/bin.js');

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max} (got ${raw})`);
  return value;
}

const SECONDS = setting('BENCH_SECONDS', 10, 1, 120);
const RATE_SECONDS = setting('BENCH_RATE_SECONDS', 15, 1, 120);
const RATE = setting('BENCH_RATE', 200, 1, 5000);
const FALLBACK_RATE = setting('BENCH_FALLBACK_RATE', 50, 1, 1000);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 10, 1, 256);
const SOAK_S = setting('BENCH_SOAK_S', 300, 10, 2400);
const GROWTH_CALLS = setting('BENCH_GROWTH_CALLS', 50, 5, 1000);
const PROFILE = process.env.BENCH_PROFILE === '1';
const OUT = path.resolve(process.env.BENCH_OUT || 'bench-results.json');
const FALLBACK_DELAY_MS = 20;
const GROWTH_PAGE = 100;
const GROWTH: { observations: number; medicationAdministrations: number }[] = [
  { observations: 10, medicationAdministrations: 0 },
  { observations: 100, medicationAdministrations: 0 },
  { observations: 1000, medicationAdministrations: 0 },
  { observations: 2000, medicationAdministrations: 500 },
];
/** 2,000 Observations in pages of 100 are 20 pages: the default FHIR_MAX_PAGES (5) would make it a truncated read. */
const MAX_PAGES = 30;
const REPLAY_TOKENS = 200;

const PUBLIC_BASE_URL = 'http://127.0.0.1';
const SERVICE_PATH = '/cds-services/axilla-imaging-order-select';
const AUDIENCE = `${PUBLIC_BASE_URL}${SERVICE_PATH}`;

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

/** A clean environment for children: nothing of the caller's service settings (DATABASE_URL, SILENT_SERVICES, ...) leaks in. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])), ...extra };
}

function build(): void {
  if (process.env.BENCH_SKIP_BUILD === '1') {
    progress('BENCH_SKIP_BUILD=1: using dist/ as it is');
  } else {
    progress('npm run build');
    const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
    if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal})`);
  }
  if (!fs.existsSync(MAIN_JS)) throw new Error(`${path.relative(ROOT, MAIN_JS)} is missing: run npm run build`);
}

interface CardSignature {
  status: number;
  cards: string[];
}

function signatureOf(answer: { status: number; body: string }): CardSignature {
  if (answer.status !== 200) return { status: answer.status, cards: [answer.body.slice(0, 300)] };
  const parsed = JSON.parse(answer.body) as { cards?: { indicator?: string; summary?: string }[] };
  return { status: 200, cards: (parsed.cards ?? []).map((c) => `${c.indicator} | ${c.summary}`) };
}

interface ServiceRun {
  rs: { fixed: RateResult; saturation: SaturationResult; signedDuringLoad: number };
  es: { fixed: RateResult; saturation: SaturationResult; signedDuringLoad: number };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  build();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-bench-'));
  onExit(() => fs.rmSync(tmp, { recursive: true, force: true }));
  progress(`temp dir ${tmp}`);

  // The FHIR stub first: the trust file names its bases.
  const stub = await startListening(
    'fhir-stub',
    [TS_NODE, '--transpile-only', 'scripts/fhir-stub.ts', 'pos-mcode'],
    childEnv({ NODE_ENV: 'production' }),
    tmp,
    ROOT,
  );
  const stubOrigin = `http://127.0.0.1:${stub.port}`;
  const slowBase = `${stubOrigin}/bench/delay=${FALLBACK_DELAY_MS}/fhir/R4`;
  const growthBase = (g: (typeof GROWTH)[number]) =>
    `${stubOrigin}/bench/page=${GROWTH_PAGE},obs=${g.observations}${g.medicationAdministrations ? `,ma=${g.medicationAdministrations}` : ''}/fhir/R4`;
  const fhirServers = [`${stubOrigin}/fhir/R4`, slowBase, ...GROWTH.map(growthBase)];
  const trustFile = path.join(tmp, 'trusted-issuers.json');
  fs.writeFileSync(trustFile, JSON.stringify(trustEntries(fhirServers), null, 2));

  const bare = await startListening(
    'bare-express',
    [
      '-e',
      `const express = require('express');
const app = express();
app.disable('x-powered-by'); app.set('etag', false);
app.use(express.json({ limit: '5mb' }));
app.post('/bare', (req, res) => res.json({ cards: [], received: Object.keys(req.body).length }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: server.address().port })));`,
    ],
    childEnv({ NODE_ENV: 'production' }),
    tmp,
    ROOT,
  );

  const serviceEnv = (databaseUrl: string) =>
    childEnv({
      NODE_ENV: 'production',
      PUBLIC_BASE_URL,
      DATABASE_URL: databaseUrl,
      CDS_TRUSTED_ISSUERS: trustFile,
      LOG_LEVEL: 'info',
      FHIR_MAX_PAGES: String(MAX_PAGES),
    });
  const sqliteUrl = `sqlite:${path.join(tmp, 'store', 'axilla-cds.db')}`;

  // Start-up: three starts on the same SQLite file (the first creates it and runs the migrations); the third stays up.
  const startups: number[] = [];
  let service: Service | undefined;
  let readyPath = '/healthz';
  for (let i = 0; i < 3; i++) {
    const s = await startService(`service-${i + 1}`, MAIN_JS, serviceEnv(sqliteUrl), tmp, ROOT);
    startups.push(s.startupMs);
    readyPath = s.readyPath;
    if (i < 2) await stop(s);
    else service = s;
  }
  const main = service as Service;
  const rssAtStart = memory(main.pid)?.rssMb ?? NaN;
  const startupMs = percentiles(startups).p50;
  progress(`start-up ${startups.map((s) => s.toFixed(0)).join(', ')} ms (to the first 200 on GET ${readyPath})`);

  // The requests, and a check that each gives the same cards as the complete prefetch.
  const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
  const prefetchBody = JSON.stringify(request);
  const withoutPrefetch = (base: string) =>
    JSON.stringify({
      ...request,
      prefetch: undefined,
      fhirServer: base,
      fhirAuthorization: {
        access_token: 'bench-fhir-access-token',
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'patient/*.read',
        subject: 'axilla-cds',
      },
    });
  const serviceUrl = (s: { port: number }) => `http://127.0.0.1:${s.port}${SERVICE_PATH}`;
  const withToken = (pool: TokenPool) => () => ({ authorization: `Bearer ${pool.take()}` });
  const once = (alg: Alg) => () => ({ authorization: `Bearer ${signToken(alg, AUDIENCE)}` });

  const expected = signatureOf(await post({ url: serviceUrl(main), body: prefetchBody, headers: once('RS384') }));
  if (expected.status !== 200 || expected.cards.length === 0)
    throw new Error(`order-select with prefetch answered ${expected.status}: ${expected.cards.join('; ')}`);
  const checks: [string, string][] = [
    ['ES384 token', prefetchBody],
    [`no prefetch, reads ${FALLBACK_DELAY_MS} ms each`, withoutPrefetch(slowBase)],
    ...GROWTH.map(
      (g) =>
        [
          `${g.observations} Observations, ${g.medicationAdministrations} administrations, pages of ${GROWTH_PAGE}`,
          withoutPrefetch(growthBase(g)),
        ] as [string, string],
    ),
  ];
  for (const [what, body] of checks) {
    const got = signatureOf(await post({ url: serviceUrl(main), body, headers: once(what === 'ES384 token' ? 'ES384' : 'RS384') }));
    if (JSON.stringify(got) !== JSON.stringify(expected))
      throw new Error(`${what}: the service answered ${got.status} with [${got.cards.join('; ')}], not [${expected.cards.join('; ')}]`);
  }
  progress(`every request gives the same ${expected.cards.length} card(s): ${expected.cards.join('; ')}`);

  // Baseline: the bare app, same body.
  const bareTarget: Target = { url: `http://127.0.0.1:${bare.port}/bare`, body: prefetchBody, headers: () => ({}) };
  progress(`baseline: warm-up, ${RATE} req/s for ${RATE_SECONDS} s, saturation for ${SECONDS} s`);
  await saturate(bareTarget, CONNECTIONS, 2);
  const baselineFixed = await fixedRate(bareTarget, RATE, RATE_SECONDS);
  const baselineSaturation = await saturate(bareTarget, CONNECTIONS, SECONDS);

  // The service with complete prefetch, RS384 then ES384 tokens.
  const runService = async (alg: Alg, url: string): Promise<ServiceRun['rs']> => {
    const pool = new TokenPool(alg, AUDIENCE).fill(3000);
    const target: Target = { url, body: prefetchBody, headers: withToken(pool) };
    progress(`order-select with prefetch, ${alg}: warm-up, ${RATE} req/s for ${RATE_SECONDS} s, saturation for ${SECONDS} s`);
    const warm = await saturate(target, CONNECTIONS, 2);
    pool.fill(Math.ceil(RATE * RATE_SECONDS) + 100);
    await sleep(1000);
    const fixed = await fixedRate(target, RATE, RATE_SECONDS);
    pool.compact();
    pool.fill(Math.ceil(warm.rps * 1.6 * SECONDS) + 2000);
    await sleep(1000);
    const saturation = await saturate(target, CONNECTIONS, SECONDS);
    return { fixed, saturation, signedDuringLoad: pool.signedDuringLoad };
  };
  const run: ServiceRun = { rs: await runService('RS384', serviceUrl(main)), es: await runService('ES384', serviceUrl(main)) };

  // Without prefetch: every key read from the stub, each read 20 ms late.
  progress(
    `no prefetch, the stub adding ${FALLBACK_DELAY_MS} ms to each read: one read alone, then ${FALLBACK_RATE} req/s for ${RATE_SECONDS} s`,
  );
  const oneRead = await sequential(
    { url: `${slowBase}/Observation?patient=pos-mcode`, body: '', headers: () => ({ authorization: 'Bearer bench-fhir-access-token' }) },
    30,
    20,
  );
  const fallbackPool = new TokenPool('RS384', AUDIENCE).fill(Math.ceil(FALLBACK_RATE * RATE_SECONDS) + 200);
  const fallbackTarget: Target = { url: serviceUrl(main), body: withoutPrefetch(slowBase), headers: withToken(fallbackPool) };
  await sequential(fallbackTarget, 20, 10);
  const fallback = await fixedRate(fallbackTarget, FALLBACK_RATE, RATE_SECONDS);

  // Records that grow, read in pages of 100 without added latency; the service's peak RSS meanwhile.
  const peakBeforeGrowth = memory(main.pid)?.peakMb ?? NaN;
  const peakReset = resetPeak(main.pid);
  const sampler = rssSampler(main.pid);
  const growth: {
    observations: number;
    medicationAdministrations: number;
    p50: number;
    p99: number;
    calls: number;
    non2xx: number;
    answerBytes: number;
  }[] = [];
  for (const g of GROWTH) {
    progress(
      `record of ${g.observations} Observations${g.medicationAdministrations ? ` and ${g.medicationAdministrations} MedicationAdministrations` : ''}: ${GROWTH_CALLS} calls one after another`,
    );
    const pool = new TokenPool('RS384', AUDIENCE).fill(GROWTH_CALLS + 10);
    const r = await sequential({ url: serviceUrl(main), body: withoutPrefetch(growthBase(g)), headers: withToken(pool) }, GROWTH_CALLS, 45);
    growth.push({ ...g, p50: r.p50, p99: r.p99, calls: r.count, non2xx: r.non2xx, answerBytes: r.bytes });
  }
  const sampledPeak = sampler.stop();
  const longRecordRss = Math.max(sampledPeak, peakReset ? (memory(main.pid)?.peakMb ?? 0) : 0);

  // Soak: RATE req/s for SOAK_S, the service's RSS each minute (or each fifth of a shorter soak).
  const sampleEvery = Math.min(60, Math.max(5, Math.floor(SOAK_S / 5)));
  progress(`soak: ${RATE} req/s for ${SOAK_S} s, RSS every ${sampleEvery} s (signing ${Math.ceil(RATE * SOAK_S)} tokens first)`);
  const soakPool = new TokenPool('RS384', AUDIENCE, SOAK_S + 900).fill(Math.ceil(RATE * SOAK_S) + 200);
  const soakRss: { atS: number; rssMb: number }[] = [];
  const soakStart = Date.now();
  const soakTimer = setInterval(() => {
    const m = memory(main.pid);
    if (m) soakRss.push({ atS: Math.round((Date.now() - soakStart) / 1000), rssMb: m.rssMb });
  }, sampleEvery * 1000);
  const soak = await fixedRate({ url: serviceUrl(main), body: prefetchBody, headers: withToken(soakPool) }, RATE, SOAK_S);
  clearInterval(soakTimer);
  if (soakRss.length === 0 || soakRss[soakRss.length - 1].atS < SOAK_S - 1)
    soakRss.push({ atS: Math.round((Date.now() - soakStart) / 1000), rssMb: memory(main.pid)?.rssMb ?? NaN });
  await sleep(2000);
  const after = memory(main.pid);
  const peakRss = Math.max(peakBeforeGrowth, after?.peakMb ?? 0, longRecordRss);
  progress('stopping the service (SIGTERM: audit trail flushed)');
  const exitCode = await stop(main, 10_000);

  // CPU profile of a saturation run, in a separate instance (profiling slows it down).
  let profile: (ProfileSummary & { rps: number; file: string }) | undefined;
  if (PROFILE) {
    const dir = path.join(tmp, 'cpu-profile');
    progress(`profile: node --cpu-prof, order-select with prefetch (RS384) at saturation for ${SECONDS} s`);
    const profiled = await startService(
      'service-profiled',
      MAIN_JS,
      serviceEnv(`sqlite:${path.join(tmp, 'store', 'profiled.db')}`),
      tmp,
      ROOT,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    );
    const pool = new TokenPool('RS384', AUDIENCE).fill(Math.ceil(run.rs.saturation.rps * 1.2 * (SECONDS + 2)) + 2000);
    const target: Target = { url: serviceUrl(profiled), body: prefetchBody, headers: withToken(pool) };
    await saturate(target, CONNECTIONS, 2);
    const r = await saturate(target, CONNECTIONS, SECONDS);
    await stop(profiled, 15_000);
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    if (file) profile = { ...summariseProfile(path.join(dir, file), ROOT), rps: r.rps, file: path.join(dir, file) };
    else progress('profile: no .cpuprofile was written');
  }

  // Scale-out: two instances sharing one PostgreSQL.
  let scaleOut: {
    rps: number;
    rpsOne: number;
    perInstance: number[];
    non2xx: number;
    replaysAccepted: number;
    acceptedOnce: number;
    refusedBoth: number;
    tokens: number;
    postgres: string;
  } | null = null;
  let scaleOutNote = '';
  progress('scale-out: PostgreSQL');
  const pg = await startPostgres();
  if ('skipped' in pg) {
    scaleOutNote = pg.skipped;
    progress(`scale-out skipped: ${pg.skipped}`);
  } else {
    try {
      const a = await startService('service-pg-a', MAIN_JS, serviceEnv(pg.url), tmp, ROOT);
      const b = await startService('service-pg-b', MAIN_JS, serviceEnv(pg.url), tmp, ROOT);
      progress(
        `scale-out: two instances on ${pg.source}: warm-up, one alone and both at saturation for ${SECONDS} s each, then ${REPLAY_TOKENS} tokens sent to both at once`,
      );
      const pool = new TokenPool('RS384', AUDIENCE).fill(Math.ceil(run.rs.saturation.rps * 2 * (SECONDS + 2)) + 4000);
      const target = (s: Service): Target => ({ url: serviceUrl(s), body: prefetchBody, headers: withToken(pool) });
      await Promise.all([saturate(target(a), CONNECTIONS, 2), saturate(target(b), CONNECTIONS, 2)]);
      const one = await saturate(target(a), CONNECTIONS, SECONDS);
      pool.compact();
      pool.fill(Math.ceil(one.rps * 2.2 * SECONDS) + 2000);
      await sleep(1000);
      const pair = await Promise.all([saturate(target(a), CONNECTIONS, SECONDS), saturate(target(b), CONNECTIONS, SECONDS)]);
      let twice = 0;
      let onceOnly = 0;
      let neither = 0;
      const replayTokens = Array.from({ length: REPLAY_TOKENS }, () => signToken('RS384', AUDIENCE));
      for (let i = 0; i < replayTokens.length; i += 20) {
        const wave = await Promise.all(
          replayTokens
            .slice(i, i + 20)
            .map((token) =>
              Promise.all(
                [a, b].map((s) => post({ url: serviceUrl(s), body: prefetchBody, headers: () => ({ authorization: `Bearer ${token}` }) })),
              ),
            ),
        );
        for (const answers of wave) {
          const ok = answers.filter((x) => x.status === 200).length;
          if (ok === 2) twice += 1;
          else if (ok === 1) onceOnly += 1;
          else neither += 1;
        }
      }
      scaleOut = {
        rps: pair[0].rps + pair[1].rps,
        rpsOne: one.rps,
        perInstance: pair.map((p) => p.rps),
        non2xx: pair[0].non2xx + pair[1].non2xx + one.non2xx,
        replaysAccepted: twice,
        acceptedOnce: onceOnly,
        refusedBoth: neither,
        tokens: REPLAY_TOKENS,
        postgres: pg.source,
      };
      await Promise.all([stop(a), stop(b)]);
    } finally {
      await pg.stop().catch((e: Error) => progress(`PostgreSQL clean-up: ${e.message}`));
    }
  }
  await Promise.all([stop(stub), stop(bare)]);

  // Figures, targets, the table and the JSON.
  const small = growth[0];
  const top = growth[growth.length - 1];
  const soakFirst = soakRss[0]?.rssMb ?? NaN;
  const soakLast = soakRss[soakRss.length - 1]?.rssMb ?? NaN;
  const soakGrowth = soakLast / soakFirst - 1;
  const rs = run.rs;
  const es = run.es;
  const results = {
    when: new Date(startedAt).toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? '',
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
    },
    settings: {
      seconds: SECONDS,
      rateSeconds: RATE_SECONDS,
      rate: RATE,
      fallbackRate: FALLBACK_RATE,
      connections: CONNECTIONS,
      soakSeconds: SOAK_S,
      growthCalls: GROWTH_CALLS,
      fhirMaxPages: MAX_PAGES,
      stubPageSize: GROWTH_PAGE,
      fallbackDelayMs: FALLBACK_DELAY_MS,
    },
    cards: expected.cards,
    baseline: {
      rps: round(baselineSaturation.rps, 0),
      p50_ms_at_200rps: round(baselineFixed.p50, 2),
      p99_ms_at_200rps: round(baselineFixed.p99, 2),
      generator_late_p99_ms: round(baselineFixed.lateP99, 2),
      saturation_p50_ms: baselineSaturation.p50,
      saturation_p99_ms: baselineSaturation.p99,
      non2xx: baselineFixed.non2xx + baselineSaturation.non2xx,
    },
    prefetch: {
      rps: round(rs.saturation.rps, 0),
      ratio_to_baseline: round(rs.saturation.rps / baselineSaturation.rps, 3),
      non2xx: rs.fixed.non2xx + rs.saturation.non2xx,
      errors: rs.fixed.errors + rs.saturation.errors + rs.fixed.skipped,
      p50_ms_at_200rps: round(rs.fixed.p50, 2),
      p99_ms_at_200rps: round(rs.fixed.p99, 2),
      generator_late_p99_ms: round(rs.fixed.lateP99, 2),
      saturation_p50_ms: rs.saturation.p50,
      saturation_p99_ms: rs.saturation.p99,
      tokens_signed_during_load: rs.signedDuringLoad,
      es384: {
        rps: round(es.saturation.rps, 0),
        ratio_to_baseline: round(es.saturation.rps / baselineSaturation.rps, 3),
        non2xx: es.fixed.non2xx + es.saturation.non2xx,
        errors: es.fixed.errors + es.saturation.errors + es.fixed.skipped,
        p50_ms_at_200rps: round(es.fixed.p50, 2),
        p99_ms_at_200rps: round(es.fixed.p99, 2),
        generator_late_p99_ms: round(es.fixed.lateP99, 2),
        saturation_p50_ms: es.saturation.p50,
        saturation_p99_ms: es.saturation.p99,
        tokens_signed_during_load: es.signedDuringLoad,
      },
    },
    fallback: {
      read_ms: round(oneRead.p50, 2),
      rate: FALLBACK_RATE,
      p50_ms: round(fallback.p50, 2),
      p99_ms: round(fallback.p99, 2),
      non2xx: fallback.non2xx,
      errors: fallback.errors + fallback.skipped,
    },
    growth: growth.map((g) => ({
      observations: g.observations,
      medicationAdministrations: g.medicationAdministrations,
      p50_ms: round(g.p50, 2),
      p99_ms: round(g.p99, 2),
      calls: g.calls,
      non2xx: g.non2xx,
      answer_bytes: g.answerBytes,
    })),
    longRecord: {
      rss_mb: round(longRecordRss, 1),
      peak_rss_mb_before: round(peakBeforeGrowth, 1),
      measured: peakReset ? 'VmHWM reset before the growing records, and VmRSS sampled every 100 ms' : 'VmRSS sampled every 100 ms',
    },
    soak: {
      seconds: SOAK_S,
      rate: RATE,
      rss_mb_first: round(soakFirst, 1),
      rss_mb_last: round(soakLast, 1),
      growth_percent: round(100 * soakGrowth, 1),
      rss_mb: soakRss.map((s) => ({ at_s: s.atS, rss_mb: round(s.rssMb, 1) })),
      p50_ms: round(soak.p50, 2),
      p99_ms: round(soak.p99, 2),
      non2xx: soak.non2xx,
      errors: soak.errors + soak.skipped,
    },
    startup_ms: round(startupMs, 0),
    startup_runs_ms: startups.map((s) => round(s, 0)),
    startup_ready_path: readyPath,
    rss_mb_at_start: round(rssAtStart, 1),
    rss_mb_after: round(after?.rssMb ?? NaN, 1),
    peak_rss_mb: round(peakRss, 1),
    service_exit_code: exitCode,
    scaleOut: scaleOut
      ? {
          rps: round(scaleOut.rps, 0),
          rps_one_instance: round(scaleOut.rpsOne, 0),
          rps_per_instance: scaleOut.perInstance.map((r) => round(r, 0)),
          non2xx: scaleOut.non2xx,
          replaysAccepted: scaleOut.replaysAccepted,
          replay_tokens: scaleOut.tokens,
          accepted_once: scaleOut.acceptedOnce,
          refused_both: scaleOut.refusedBoth,
          postgres: scaleOut.postgres,
        }
      : null,
    ...(scaleOut ? {} : { scaleOut_skipped: scaleOutNote }),
    profile: profile
      ? {
          rps_while_profiled: round(profile.rps, 0),
          busy_ms: round(profile.totalMs - profile.idleMs, 0),
          idle_ms: round(profile.idleMs, 0),
          top: profile.top.map((t) => ({ function: t.name, where: t.where, self_ms: round(t.selfMs, 1), percent: round(t.percent, 1) })),
        }
      : null,
    targets: [] as { target: string; figure: string; pass: boolean }[],
    duration_s: 0,
  };

  const targets: { measure: string; target: string; figure: string; pass: boolean }[] = [
    {
      measure: 'saturation, RS384 prefetch',
      target: '>= 1/3 of baseline',
      figure: `${results.prefetch.ratio_to_baseline}x`,
      pass: rs.saturation.rps >= baselineSaturation.rps / 3,
    },
    {
      measure: `p50 at ${RATE} req/s, RS384`,
      target: 'within 3 ms of baseline',
      figure: `+${(rs.fixed.p50 - baselineFixed.p50).toFixed(2)} ms`,
      pass: rs.fixed.p50 - baselineFixed.p50 <= 3,
    },
    {
      measure: `p99 at ${RATE} req/s, RS384`,
      target: '<= 1.5x baseline p99',
      figure: `${(rs.fixed.p99 / baselineFixed.p99).toFixed(2)}x`,
      pass: rs.fixed.p99 <= 1.5 * baselineFixed.p99,
    },
    {
      measure: 'non-2xx with prefetch (RS384 + ES384)',
      target: '0',
      figure: String(results.prefetch.non2xx + results.prefetch.es384.non2xx),
      pass: results.prefetch.non2xx + results.prefetch.es384.non2xx === 0,
    },
    {
      measure: 'fallback p50',
      target: '< 2 x read + prefetch p50',
      figure: `${fallback.p50.toFixed(1)} < ${(2 * oneRead.p50 + rs.fixed.p50).toFixed(1)} ms`,
      pass: fallback.p50 < 2 * oneRead.p50 + rs.fixed.p50,
    },
    {
      measure: `${top.observations}-Observation p50`,
      target: '< 10x the 10-Observation p50',
      figure: `${(top.p50 / small.p50).toFixed(1)}x`,
      pass: top.p50 < 10 * small.p50,
    },
    { measure: 'peak RSS of the service', target: '< 200 MB', figure: `${peakRss.toFixed(0)} MB`, pass: peakRss < 200 },
    { measure: 'soak RSS growth', target: '< 10%', figure: `${(100 * soakGrowth).toFixed(1)}%`, pass: soakGrowth < 0.1 },
    { measure: 'start-up', target: '< 2 s', figure: `${startupMs.toFixed(0)} ms`, pass: startupMs < 2000 },
    {
      measure: 'replays accepted by two instances',
      target: '0',
      figure: scaleOut ? String(scaleOut.replaysAccepted) : 'skipped',
      pass: scaleOut ? scaleOut.replaysAccepted === 0 : false,
    },
  ];
  results.targets = targets.map((t) => ({ target: `${t.measure}: ${t.target}`, figure: t.figure, pass: t.pass }));
  results.duration_s = Math.round((Date.now() - startedAt) / 1000);
  fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

  const rows: [string, string, string, string][] = [];
  const row = (measure: string, figure: string, target = '', verdict = '') => rows.push([measure, figure, target, verdict]);
  const check = (i: number) => [targets[i].target, targets[i].pass ? 'PASS' : 'FAIL'] as const;
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const rps = (n: number) => `${Math.round(n).toLocaleString('en-US')} req/s`;
  row('Baseline: bare Express 5, parses the same body', rps(baselineSaturation.rps));
  row(`  at ${RATE} req/s: p50 / p99`, `${ms(baselineFixed.p50)} / ${ms(baselineFixed.p99)}`);
  row(
    'order-select, complete prefetch, RS384 JWT',
    `${rps(rs.saturation.rps)} (${results.prefetch.ratio_to_baseline}x baseline)`,
    ...check(0),
  );
  row(`  at ${RATE} req/s: p50 / p99`, `${ms(rs.fixed.p50)} / ${ms(rs.fixed.p99)}`);
  row('  p50 above baseline', `+${ms(rs.fixed.p50 - baselineFixed.p50)}`, ...check(1));
  row('  p99 against baseline', `${(rs.fixed.p99 / baselineFixed.p99).toFixed(2)}x`, ...check(2));
  row('  at saturation: p50 / p99', `${rs.saturation.p50} ms / ${rs.saturation.p99} ms`);
  row('order-select, complete prefetch, ES384 JWT', `${rps(es.saturation.rps)} (${results.prefetch.es384.ratio_to_baseline}x baseline)`);
  row(`  at ${RATE} req/s: p50 / p99`, `${ms(es.fixed.p50)} / ${ms(es.fixed.p99)}`);
  row('  at saturation: p50 / p99', `${es.saturation.p50} ms / ${es.saturation.p99} ms`);
  row('  non-2xx (RS384 + ES384, every run)', `${results.prefetch.non2xx} + ${results.prefetch.es384.non2xx}`, ...check(3));
  row(`No prefetch, stub +${FALLBACK_DELAY_MS} ms per read: one read alone (p50)`, ms(oneRead.p50));
  row(`  order-select at ${FALLBACK_RATE} req/s: p50 / p99`, `${ms(fallback.p50)} / ${ms(fallback.p99)}`, ...check(4));
  for (const g of growth) {
    const isTop = g === top;
    row(
      `Record of ${g.observations} Obs${g.medicationAdministrations ? ` + ${g.medicationAdministrations} MedAdmin` : ''} (pages of ${GROWTH_PAGE}): p50 / p99`,
      `${ms(g.p50)} / ${ms(g.p99)}${isTop ? ` (${(g.p50 / small.p50).toFixed(1)}x)` : ''}`,
      ...(isTop ? check(5) : (['', ''] as const)),
    );
  }
  row('  service peak RSS during the growing records', `${longRecordRss.toFixed(0)} MB`);
  row(
    `Soak ${SOAK_S} s at ${RATE} req/s: RSS (MB) at ${soakRss.map((s) => `${s.atS}s`).join(', ')}`,
    soakRss.map((s) => s.rssMb.toFixed(0)).join(', '),
    ...check(7),
  );
  row('  soak p50 / p99, non-2xx', `${ms(soak.p50)} / ${ms(soak.p99)}, ${soak.non2xx}`);
  row(
    'Service RSS at start / after the runs / peak (VmHWM)',
    `${rssAtStart.toFixed(0)} MB / ${(after?.rssMb ?? NaN).toFixed(0)} MB / ${peakRss.toFixed(0)} MB`,
    ...check(6),
  );
  row(
    `Start-up to the first 200 on GET ${readyPath} (median of 3)`,
    `${startupMs.toFixed(0)} ms (${startups.map((s) => s.toFixed(0)).join(', ')})`,
    ...check(8),
  );
  if (scaleOut) {
    row('Scale-out, 2 instances + PostgreSQL: throughput', `${rps(scaleOut.rps)} (one alone: ${rps(scaleOut.rpsOne)})`);
    row(
      `  same token to both at once (${REPLAY_TOKENS} tokens): accepted twice`,
      `${scaleOut.replaysAccepted} (once: ${scaleOut.acceptedOnce}, neither: ${scaleOut.refusedBoth})`,
      ...check(9),
    );
  } else {
    row('Scale-out, 2 instances + PostgreSQL', `skipped: ${scaleOutNote}`, ...check(9));
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['Measure', 'Figure', 'Target', ''][i].length));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  out.push('');
  out.push(
    `axilla-cds bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), shared by the service, the stub and the load`,
  );
  out.push(
    `service: node dist/src/main.js, NODE_ENV=production, JWT verified (bench trust file), SQLite in a temp dir, audit on, FHIR_MAX_PAGES=${MAX_PAGES}; pos-mcode + fdg-pet-ct (${expected.cards.length} card), body ${prefetchBody.length} bytes`,
  );
  out.push(
    `saturation: autocannon, ${CONNECTIONS} connections, ${SECONDS} s; fixed rate: evenly spaced, open loop, ${RATE_SECONDS} s; one pre-signed token per call`,
  );
  out.push(line(['Measure', 'Figure', 'Target', '']));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out.push(line(r));
  const passed = targets.filter((t) => t.pass).length;
  out.push(`targets: ${passed} of ${targets.length} PASS; figures written to ${OUT}; ${results.duration_s} s in all`);
  if (profile) {
    out.push('');
    out.push(
      `CPU profile (node --cpu-prof, a separate instance at saturation, RS384, ${rps(profile.rps)} while profiled): top ${profile.top.length} self time, ${(profile.totalMs - profile.idleMs).toFixed(0)} ms busy of ${profile.totalMs.toFixed(0)} ms`,
    );
    const w = Math.max(...profile.top.map((t) => t.name.length));
    for (const t of profile.top)
      out.push(`  ${t.selfMs.toFixed(0).padStart(7)} ms ${t.percent.toFixed(1).padStart(5)}%  ${t.name.padEnd(w)}  ${t.where}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main()
  .then(() => {
    cleanUpNow();
    process.exit(0);
  })
  .catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\nthe children's logs end with:\n${logTails()}\n`);
    cleanUpNow();
    process.exit(1);
  });
