import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { hookRequest } from '../../fhir-fixtures/build';
import { signDevelopmentToken } from '../../scripts/token';
import { REPO_ROOT } from '../../src/paths';
import { ES384_ISSUER, ES384_KID, es384, publicJwk, signToken } from '../support/keys';
import { POSTGRES_URL, freshPostgresDatabase } from '../support/postgres';
import { spawnService, type SpawnedService } from '../support/spawn-service';

/**
 * The production build exactly as the Dockerfile runs it (keep the two in step), from a clean copy of the repository:
 *
 *   build stage:    npm run build                      (dev dependencies: tsc)               -> dist/
 *   deps stage:     npm ci --omit=dev                  (package.json and package-lock.json only; better-sqlite3
 *                                                       compiled from source, nothing downloaded but npm packages)
 *   runtime stage:  package.json, package-lock.json, node_modules/, dist/, hooks/, cards/, config/ (without the
 *                   development signing key), schemas/, LICENSE, NOTICE; then `node dist/src/main.js`
 *
 * One production install (1-2 minutes: better-sqlite3 is compiled), hence the timeouts.
 */
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const PUBLIC_BASE_URL = 'http://localhost:4558';
const PRODUCTION_BASE_URL = 'https://cds.example.org';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** What the Dockerfile's runtime stage copies besides node_modules/ (config/development/ is left out by .dockerignore). */
const RUNTIME_PATHS = ['package.json', 'package-lock.json', 'dist', 'hooks', 'cards', 'config', 'schemas', 'LICENSE', 'NOTICE'];
const LEFT_OUT = ['config/development'];

let workDir: string;
let copy: string;
let runtime: string;
const timings: Record<string, number> = {};

/** The files a commit of this checkout holds: tracked ones, and new ones not ignored (others may be adding files). */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const started = Date.now();
  try {
    execFileSync(command, args, { cwd, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`,
      { cause: error },
    );
  }
  timings[`${command} ${args.join(' ')}`] = Date.now() - started;
}

/** Every bare module specifier the compiled service requires. */
function requiredPackages(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)|\bfrom\s+["']([^"'.][^"']*)["']/g)) {
      const specifier = m[1] ?? m[2];
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      found.set(name, path.relative(dir, file));
    }
  }
  return found;
}

function startService(cwd: string, env: NodeJS.ProcessEnv): Promise<SpawnedService> {
  return spawnService([path.join(runtime, 'dist', 'src', 'main.js')], { cwd, env });
}

/** The Dockerfile's HEALTHCHECK command (exec form), run here against `port`: its exit code. */
function dockerHealthcheck(port: number): number {
  const line = fs
    .readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('HEALTHCHECK '));
  if (!line) throw new Error('the Dockerfile has no HEALTHCHECK line');
  const [command, ...args] = JSON.parse(line.slice(line.indexOf(' CMD ') + 5)) as string[];
  expect(command).toBe('node');
  try {
    execFileSync(process.execPath, args, { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 10_000, stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

/** The settings production requires (as the Dockerfile and compose.yaml set them), with a trust file naming a test EHR. */
function productionEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const trustFile = path.join(workDir, 'trusted-issuers.json');
  fs.writeFileSync(
    trustFile,
    JSON.stringify([
      { iss: ES384_ISSUER, jwks: { keys: [publicJwk(es384.publicKey, ES384_KID, 'ES384')] }, fhirServers: ['https://fhir.example.org/R4'] },
    ]),
  );
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: '0',
    PUBLIC_BASE_URL: PRODUCTION_BASE_URL,
    CDS_TRUSTED_ISSUERS: trustFile,
    DATABASE_URL: databaseUrl,
    AUDIT_HMAC_KEY: 'k'.repeat(40),
  };
}

async function discoveryStatus(port: number, token: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/cds-services`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

/** SIGTERM, as `docker stop` sends it: the exit code. */
async function stopped(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  return exit;
}

describe('the production build from a clean copy (npm run build; npm ci --omit=dev; node dist/src/main.js)', () => {
  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-production-'));
    copy = path.join(workDir, 'axilla-cds');
    for (const file of repositoryFiles()) {
      const from = path.join(REPO_ROOT, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet committed
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(from, path.join(copy, file));
    }
    expect(fs.existsSync(path.join(copy, 'dist'))).toBe(false);

    // The build stage: the checkout's dependencies, dev ones included.
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    run('npm', ['run', 'build'], copy);
    // Unlink: nothing below may reach the checkout's own node_modules.
    fs.unlinkSync(path.join(copy, 'node_modules'));

    // The deps stage: production dependencies only, from package.json and the lock file, install scripts on
    // (npm_config_build_from_source as in the Dockerfile: better-sqlite3 is compiled, no prebuilt binary fetched).
    runtime = path.join(workDir, 'app');
    fs.mkdirSync(runtime);
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(copy, file), path.join(runtime, file));
    run('npm', ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], runtime, {
      ...process.env,
      NODE_ENV: 'production',
      npm_config_build_from_source: 'true',
    });

    // The runtime stage: what the image holds, and nothing else (no src/, no scripts/, no fhir-fixtures/, no tsconfig).
    for (const entry of RUNTIME_PATHS) fs.cpSync(path.join(copy, entry), path.join(runtime, entry), { recursive: true });
    for (const entry of LEFT_OUT) fs.rmSync(path.join(runtime, entry), { recursive: true, force: true });
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    console.log(
      `production build: ${Object.entries(timings)
        .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`)
        .join('; ')}`,
    );
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('installs no devDependency, and the compiled service requires only dependencies and Node built-ins', () => {
    // Every devDependency that no production dependency needs (the lock file marks it "dev") is absent.
    const lock = JSON.parse(fs.readFileSync(path.join(runtime, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.keys(pkg.devDependencies).filter((dev) => lock.packages[`node_modules/${dev}`]?.dev === true);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'ts-node', 'jest']));
    expect(devOnly.filter((dev) => fs.existsSync(path.join(runtime, 'node_modules', dev)))).toEqual([]);
    const builtins = new Set(builtinModules);
    const required = requiredPackages(path.join(runtime, 'dist'));
    expect(required.size).toBeGreaterThan(0);
    // A devDependency can be installed anyway as some dependency's dependency (debug under express): the compiled
    // code must name only what package.json promises in "dependencies".
    const undeclared = [...required].filter(([name]) => !name.startsWith('node:') && !builtins.has(name) && !(name in pkg.dependencies));
    expect(undeclared).toEqual([]);
  });

  it('starts from another directory, finds hooks/, cards/, config/ and schemas/ from dist/, and answers', async () => {
    const elsewhere = fs.mkdtempSync(path.join(workDir, 'cwd-'));
    const { child, port, exitCode, output } = await startService(elsewhere, {
      PATH: process.env.PATH,
      PORT: '0',
      PUBLIC_BASE_URL,
      DATABASE_URL: `sqlite:${path.join(workDir, 'axilla-cds.db')}`,
    });
    const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));
    try {
      if (exitCode !== undefined) throw new Error(`node dist/src/main.js exited ${exitCode} before listening:\n${output}`);
      expect(port).toBeGreaterThan(0);

      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const token = await signDevelopmentToken({ audience: `${PUBLIC_BASE_URL}/cds-services` });
      const discovery = await fetch(`http://127.0.0.1:${port}/cds-services`, { headers: { Authorization: `Bearer ${token}` } });
      expect(discovery.status).toBe(200);
      const ids = ((await discovery.json()) as { services: { id: string }[] }).services.map((s) => s.id).sort();
      expect(ids).toEqual(['axilla-imaging-order-select', 'axilla-imaging-order-sign']);

      // One hook call: the knowledge, the card wording and the native SQLite store all work from the production install.
      const servicePath = '/cds-services/axilla-imaging-order-select';
      const answer = await fetch(`http://127.0.0.1:${port}${servicePath}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await signDevelopmentToken({ audience: `${PUBLIC_BASE_URL}${servicePath}` })}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] })),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { cards: unknown[] }).cards).toHaveLength(1);
      expect(fs.existsSync(path.join(elsewhere, 'data'))).toBe(false);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  describe('with the production settings', () => {
    it('runs as the Dockerfile sets it (NODE_ENV=production, SQLite under the data volume), and its HEALTHCHECK passes', async () => {
      const { child, port, exitCode, output } = await startService(
        workDir,
        productionEnv(`sqlite:${path.join(workDir, 'data', 'axilla-cds.db')}`),
      );
      try {
        if (exitCode !== undefined || !port) throw new Error(`the production start failed (${exitCode}):\n${output}`);
        expect(output).not.toMatch(/DEVELOPMENT/);
        expect(dockerHealthcheck(port)).toBe(0);
        expect(
          await discoveryStatus(port, await signToken('/cds-services', { claims: { aud: `${PRODUCTION_BASE_URL}/cds-services` } })),
        ).toBe(200);
        // The development issuer is not trusted in production.
        expect(await discoveryStatus(port, await signDevelopmentToken({ audience: `${PRODUCTION_BASE_URL}/cds-services` }))).toBe(401);
        expect(fs.existsSync(path.join(workDir, 'data', 'axilla-cds.db'))).toBe(true);
        expect(await stopped(child)).toBe(0);
        expect(dockerHealthcheck(port)).toBe(1);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }, 60_000);

    const withPostgres = POSTGRES_URL || process.env.CI ? it : it.skip;
    if (!POSTGRES_URL && !process.env.CI) {
      console.warn('skipped "two instances on one PostgreSQL": set TEST_POSTGRES_URL (eval "$(bash scripts/dev-postgres.sh)")');
    }
    withPostgres(
      'runs two instances on one PostgreSQL as compose.yaml does: both ready, one replay cache',
      async () => {
        expect(POSTGRES_URL).toBeDefined();
        const database = await freshPostgresDatabase();
        // Started together: the migrations run once, under PostgreSQL's advisory lock.
        const instances = await Promise.all([
          startService(workDir, productionEnv(database.url)),
          startService(workDir, productionEnv(database.url)),
        ]);
        try {
          for (const { port, exitCode, output } of instances)
            if (exitCode !== undefined || !port) throw new Error(`the production start failed (${exitCode}):\n${output}`);
          const [one, two] = instances.map((i) => i.port as number);
          expect([dockerHealthcheck(one), dockerHealthcheck(two)]).toEqual([0, 0]);
          const token = await signToken('/cds-services', { claims: { aud: `${PRODUCTION_BASE_URL}/cds-services` } });
          expect(await discoveryStatus(one, token)).toBe(200);
          // The same JWT at the other instance is a replay: its jti is remembered in the shared store.
          expect(await discoveryStatus(two, token)).toBe(401);
          expect(await Promise.all(instances.map((i) => stopped(i.child)))).toEqual([0, 0]);
        } finally {
          for (const { child } of instances) if (child.exitCode === null) child.kill('SIGKILL');
          await database.drop();
        }
      },
      60_000,
    );
  });
});
