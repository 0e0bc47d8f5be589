/**
 * Child processes of the benchmark: started on loopback, waited for within a bounded time, measured through
 * /proc (VmRSS, VmHWM), stopped with SIGTERM then SIGKILL, and killed in every case when the benchmark exits
 * (normally, on an error, or on Ctrl-C), together with the clean-ups registered (temp dirs, a PostgreSQL cluster).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const live = new Set<ChildProcess>();
const logs = new Set<string>();

/** The last lines of every child's log, for a report of what went wrong. */
export function logTails(lines = 15): string {
  return [...logs].map((file) => `--- ${path.basename(file)}\n${logTail(file, lines)}`).join('\n');
}
const cleanups: (() => void)[] = [];
let cleaned = false;

/** Runs the synchronous clean-ups once: every child still alive is killed, then each registered clean-up runs (last first). */
export function cleanUpNow(): void {
  if (cleaned) return;
  cleaned = true;
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      cleanup();
    } catch (error) {
      process.stderr.write(`bench clean-up: ${(error as Error).message}\n`);
    }
  }
}

/** A synchronous clean-up to run when the benchmark exits, whatever the reason. */
export function onExit(cleanup: () => void): void {
  cleanups.push(cleanup);
}

process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping children and removing temp files\n`);
    cleanUpNow();
    process.exit(130);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released just before the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  logFile: string;
  exited: Promise<number | null>;
}

function track(name: string, child: ChildProcess, logFile: string, port: number): Started {
  live.add(child);
  logs.add(logFile);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? (signal ? 128 : null));
    });
  });
  if (child.pid === undefined) throw new Error(`${name} could not be started`);
  return { name, child, pid: child.pid, port, logFile, exited };
}

export function logTail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A node child whose output goes to a log file, ready once it prints `{"msg":"listening","port":N}`
 * (the FHIR stub, the bare Express app); bounded by `timeoutMs`.
 */
export async function startListening(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  cwd: string,
  timeoutMs = 30_000,
): Promise<Started> {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const started = track(name, child, logFile, 0);
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void started.exited.then(() => (gone = true));
  while (Date.now() < deadline && !gone) {
    const match = /\{"msg":"listening","port":(\d+)\}/.exec(fs.readFileSync(logFile, 'utf8'));
    if (match) return { ...started, port: Number(match[1]) };
    await sleep(20);
  }
  await stop(started);
  throw new Error(`${name} did not start listening within ${timeoutMs / 1000} s:\n${logTail(logFile)}`);
}

export interface Service extends Started {
  /** From spawn to the first 200 on the ready path. */
  startupMs: number;
  readyPath: '/readyz' | '/healthz';
}

/**
 * The service (`node [nodeArgs] dist/src/main.js`) on `port`, with its log in a file. Ready at the first 200
 * on GET /readyz, or on GET /healthz when /readyz answers 404 (it does not exist); polled every 5 ms for
 * at most `timeoutMs`.
 */
export async function startService(
  name: string,
  mainJs: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  cwd: string,
  nodeArgs: string[] = [],
  timeoutMs = 30_000,
): Promise<Service> {
  const port = await freePort();
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, mainJs], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const started = { ...track(name, child, logFile, port), port };
  let gone = false;
  void started.exited.then(() => (gone = true));
  let readyPath: '/readyz' | '/healthz' = '/readyz';
  const deadline = spawnedAt + timeoutMs;
  while (performance.now() < deadline && !gone) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return { ...started, startupMs: performance.now() - spawnedAt, readyPath };
      if (response.status === 404 && readyPath === '/readyz') {
        readyPath = '/healthz';
        continue;
      }
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  await stop(started);
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s (exit: ${gone}):\n${logTail(logFile)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
export async function stop(started: Started, graceMs = 8000): Promise<number | null> {
  if (!live.has(started.child)) return started.exited;
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), graceMs);
  const code = await started.exited;
  clearTimeout(timer);
  return code;
}

/** Resident memory of a process in MB: now (VmRSS) and its peak (VmHWM), from /proc/<pid>/status. */
export function memory(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Resets a process's VmHWM to its current RSS (Linux: write 5 to /proc/<pid>/clear_refs); false where not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` until stopped; the highest sample, in MB. */
export function rssSampler(pid: number, everyMs = 100): { stop: () => number } {
  let max = memory(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const m = memory(pid);
    if (m && m.rssMb > max) max = m.rssMb;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const m = memory(pid);
      return Math.max(max, m?.rssMb ?? 0);
    },
  };
}
