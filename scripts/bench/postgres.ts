/**
 * A PostgreSQL for the scale-out run: a fresh database on BENCH_POSTGRES_URL or TEST_POSTGRES_URL when one is
 * set (dropped afterwards), otherwise a throwaway cluster (initdb, pg_ctl) in a temp dir on 127.0.0.1 and a
 * free port, removed afterwards (as the `postgres` user when the benchmark runs as root, as
 * scripts/dev-postgres.sh does). Without PostgreSQL binaries, says why and the scale-out run is skipped.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, onExit } from './proc';

export type Postgres = { url: string; source: string; stop: () => Promise<void> } | { skipped: string };

function binDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8', timeout: 5000 });
  if (config.status === 0) candidates.push(config.stdout.trim());
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not a Debian layout
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const initdb = path.join(dir, 'initdb');
    if (fs.existsSync(initdb)) candidates.push(path.dirname(fs.realpathSync(initdb)));
  }
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
}

function run(command: string, args: string[], asPostgres: boolean): void {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(
      `${path.basename(command)} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error ?? '')).trim().slice(0, 500)}`,
    );
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(url: string, source: string): Promise<Postgres> {
  const name = `axilla_bench_${crypto.randomBytes(4).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE DATABASE ${name}`));
  const benchUrl = new URL(url);
  benchUrl.pathname = `/${name}`;
  return {
    url: benchUrl.toString(),
    source: `database ${name} on ${source} (dropped afterwards)`,
    stop: () => withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function startPostgres(): Promise<Postgres> {
  const given = process.env.BENCH_POSTGRES_URL ? 'BENCH_POSTGRES_URL' : process.env.TEST_POSTGRES_URL ? 'TEST_POSTGRES_URL' : undefined;
  if (given) {
    const url = process.env[given] as string;
    const host = new URL(url).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host))
      return { skipped: `${given} is not on a loopback address (${host}): the benchmark uses loopback only` };
    return freshDatabase(url, given);
  }
  const bin = binDir();
  if (!bin) return { skipped: 'no PostgreSQL binaries (initdb, pg_ctl) found: set PG_BIN, put them on PATH, or set BENCH_POSTGRES_URL' };
  const asPostgres = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-bench-pg-'));
  let running = false;
  const stopSync = () => {
    if (running) {
      running = false;
      spawnSync(
        asPostgres ? 'runuser' : path.join(bin, 'pg_ctl'),
        [...(asPostgres ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl')] : []), '-D', dir, '-m', 'immediate', '-w', '-t', '20', 'stop'],
        { timeout: 30_000, stdio: 'ignore' },
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  onExit(stopSync);
  try {
    if (asPostgres) spawnSync('chown', ['postgres:', dir], { timeout: 5000 });
    run(path.join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], asPostgres);
    const port = await freePort();
    running = true;
    run(
      path.join(bin, 'pg_ctl'),
      [
        '-D',
        dir,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=100`,
        'start',
      ],
      asPostgres,
    );
    return {
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      source: `throwaway cluster (${bin}, 127.0.0.1:${port}, removed afterwards)`,
      stop: async () => stopSync(),
    };
  } catch (error) {
    stopSync();
    return { skipped: `a throwaway PostgreSQL could not be started: ${(error as Error).message}` };
  }
}
