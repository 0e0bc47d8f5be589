/**
 * Load for the benchmark, all on loopback and all bounded in count and time:
 * - `saturate`: autocannon, closed loop (`connections` requests in flight), for the highest throughput;
 * - `fixedRate`: an open-loop generator sending one request every 1000/rate ms, evenly spaced (no bursts),
 *   whatever the answers; latency from sending to the last byte of the answer;
 * - `sequential`: one request after another, for the latency of one call alone.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { sleep } from './proc';

export interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

export interface Target {
  url: string;
  body: string;
  /** Headers of each request (a fresh token each time). */
  headers: () => Record<string, string>;
}

export interface SaturationResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** autocannon with `connections` in flight for `seconds`; requests/s is the mean of its per-second samples. */
export async function saturate(target: Target, connections: number, seconds: number): Promise<SaturationResult> {
  const requests = [
    {
      method: 'POST' as const,
      body: target.body,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: autocannon.Request): autocannon.Request => ({ ...req, headers: { ...req.headers, ...target.headers() } }),
    },
  ];
  const result = await autocannon({ url: target.url, requests, connections, duration: seconds, timeout: 10 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export interface RateResult extends Stats {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests not sent because `maxInFlight` were already waiting (the service could not keep up). */
  skipped: number;
  /** How late the generator sent its requests (its own scheduling, on a shared machine), p99 in ms. */
  lateP99: number;
}

/**
 * `rate` requests per second for `seconds`, evenly spaced, open loop: a request is sent when due even if
 * earlier ones are unanswered (at most `maxInFlight`). Each answer is read to its end; 10 s timeouts.
 */
export async function fixedRate(target: Target, rate: number, seconds: number, maxInFlight = 256): Promise<RateResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, {
    connections: maxInFlight,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    keepAliveTimeout: 30_000,
  });
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const late: number[] = [];
  let inFlight = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let skipped = 0;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0.5) await sleep(wait);
    late.push(Math.max(0, performance.now() - due));
    if (inFlight >= maxInFlight) {
      skipped += 1;
      continue;
    }
    inFlight += 1;
    const sentAt = performance.now();
    const p: Promise<void> = pool
      .request({
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers() },
        body: target.body,
      })
      .then(async (response) => {
        await response.body.arrayBuffer();
        latencies.push(performance.now() - sentAt);
        if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
        else non2xx += 1;
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => {
        inFlight -= 1;
        pending.delete(p);
      });
    pending.add(p);
  }
  await Promise.race([Promise.all(pending), sleep(15_000)]);
  await pool.destroy();
  return { ...percentiles(latencies), rate, sent: total - skipped, ok, non2xx, errors, skipped, lateP99: percentiles(late).p99 };
}

export interface SequentialResult extends Stats {
  ok: number;
  non2xx: number;
  bytes: number;
}

/** `count` requests one after another (after `warmUp` unmeasured ones), stopping early after `maxSeconds`. */
export async function sequential(target: Target, count: number, maxSeconds: number, warmUp = 3): Promise<SequentialResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let bytes = 0;
  const deadline = performance.now() + maxSeconds * 1000;
  try {
    for (let i = 0; i < warmUp + count && performance.now() < deadline; i++) {
      const sentAt = performance.now();
      const response = await pool.request({
        path: url.pathname + url.search,
        method: target.body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...target.headers() },
        ...(target.body ? { body: target.body } : {}),
      });
      const body = await response.body.arrayBuffer();
      if (i < warmUp) continue;
      latencies.push(performance.now() - sentAt);
      bytes = body.byteLength;
      if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
      else non2xx += 1;
    }
  } finally {
    await pool.destroy();
  }
  return { ...percentiles(latencies), ok, non2xx, bytes };
}

/** One POST; its status and body. */
export async function post(target: Target): Promise<{ status: number; body: string }> {
  const response = await fetch(target.url, {
    method: 'POST',
    body: target.body,
    headers: { 'content-type': 'application/json', ...target.headers() },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}
