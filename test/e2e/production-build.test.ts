import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { hookRequest } from '../../fhir-fixtures/build';
import { signDevelopmentToken } from '../../scripts/token';
import { REPO_ROOT } from '../../src/paths';

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
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const started = Date.now();
  try {
    execFileSync(command, args, { cwd, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`);
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

function startService(cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port?: number; exitCode?: number; output: string }> {
  const child = spawn(process.execPath, [path.join(runtime, 'dist', 'src', 'main.js')], { cwd, env });
  let output = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match && /listening/.test(output)) resolve({ child, port: Number(match[1]), output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ child, exitCode: code ?? -1, output }));
  });
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
    run('npm', ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], runtime, { ...process.env, NODE_ENV: 'production', npm_config_build_from_source: 'true' });

    // The runtime stage: what the image holds, and nothing else (no src/, no scripts/, no fhir-fixtures/, no tsconfig).
    for (const entry of RUNTIME_PATHS) fs.cpSync(path.join(copy, entry), path.join(runtime, entry), { recursive: true });
    for (const entry of LEFT_OUT) fs.rmSync(path.join(runtime, entry), { recursive: true, force: true });
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
     
    console.log(`production build: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join('; ')}`);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('installs no devDependency, and the compiled service requires only dependencies and Node built-ins', () => {
    for (const dev of Object.keys(pkg.devDependencies)) {
      expect({ dev, installed: fs.existsSync(path.join(runtime, 'node_modules', dev, 'package.json')) }).toEqual({ dev, installed: false });
    }
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
        headers: { Authorization: `Bearer ${await signDevelopmentToken({ audience: `${PUBLIC_BASE_URL}${servicePath}` })}`, 'Content-Type': 'application/json' },
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
});
