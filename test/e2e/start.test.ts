import http from 'node:http';
import Database from 'better-sqlite3';
import { hookRequest } from '../../fhir-fixtures/build';
import os from 'node:os';
import path from 'node:path';
import { developmentToken } from '../../scripts/token';
import { REPO_ROOT } from '../../src/paths';
import { spawnService, type SpawnedService } from '../support/spawn-service';

/** Starts `src/main.ts` as `npm start` would (without the build step) and waits for it to listen or exit. */
function start(env: NodeJS.ProcessEnv): Promise<SpawnedService> {
  return spawnService([path.join(REPO_ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('starting the service', () => {
  it('serves discovery and /healthz on its embedded defaults', async () => {
    const { child, port, output } = await start({
      PORT: '0',
      PUBLIC_BASE_URL: 'http://localhost:4555',
      DATABASE_URL: `sqlite:${path.join(os.tmpdir(), `axilla-start-${process.pid}.db`)}`,
    });
    try {
      expect(port).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/cds-services`)).status).toBe(401);
      // The audience is PUBLIC_BASE_URL + path, whatever port the process happens to listen on.
      const token = await developmentToken('http://localhost:4555/cds-services');
      const discovery = await fetch(`http://127.0.0.1:${port}/cds-services`, { headers: { Authorization: `Bearer ${token}` } });
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { services: unknown[] }).services).toHaveLength(2);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(output).toMatch(/CDS_TRUSTED_ISSUERS is not set: trusting the DEVELOPMENT issuers only/);
    } finally {
      child.kill();
    }
  }, 20000);

  it('refuses to start in production without its required settings, saying which', async () => {
    const { exitCode, output } = await start({ NODE_ENV: 'production', PORT: '0' });
    expect(exitCode).toBe(1);
    expect(output).toMatch(/PUBLIC_BASE_URL is required/);
    expect(output).toMatch(/CDS_TRUSTED_ISSUERS is required/);
  }, 20000);

  it('refuses to start with a broken site order-code file, naming it', async () => {
    const { exitCode, output } = await start({ PORT: '0', SITE_ORDER_CODES: 'package.json' });
    expect(exitCode).toBe(1);
    expect(output).toMatch(/knowledge file .*package\.json/);
  }, 20000);
});

describe('stopping the service (SIGTERM)', () => {
  it('writes the audit row still queued within 5 s, closes the store and exits 0; new connections are refused', async () => {
    const db = path.join(os.tmpdir(), `axilla-stop-${process.pid}.db`);
    // A long flush interval: the row is still queued when SIGTERM arrives, so only the shutdown flush writes it.
    const { child, port } = await start({
      PORT: '0',
      PUBLIC_BASE_URL: 'http://localhost:4556',
      DATABASE_URL: `sqlite:${db}`,
      AUDIT_FLUSH_MS: '60000',
      AUDIT_HMAC_KEY: 'k'.repeat(40),
    });
    const servicePath = '/cds-services/axilla-imaging-order-select';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const token = await developmentToken(`http://localhost:4556${servicePath}`);
      const answer = await fetch(`http://127.0.0.1:${port}${servicePath}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] })),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { cards: unknown[] }).cards).toHaveLength(1);

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(6000);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

      const rows = new Database(db, { readonly: true }).prepare('SELECT outcome, status FROM audit_call').all();
      expect(rows).toEqual([{ outcome: 'applies', status: 200 }]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30000);

  it('lets a call in flight finish with its answer, and refuses new connections meanwhile', async () => {
    // A FHIR server that answers every read after 1.5 s, so the hook call is still reading when SIGTERM arrives.
    let readsStarted!: () => void;
    const reading = new Promise<void>((resolve) => (readsStarted = resolve));
    const fhir = http.createServer((_req, res) => {
      readsStarted();
      setTimeout(() => {
        res.setHeader('Content-Type', 'application/fhir+json');
        res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] }));
      }, 1500);
    });
    await new Promise<void>((resolve) => fhir.listen(0, '127.0.0.1', resolve));
    const fhirPort = (fhir.address() as { port: number }).port;
    const { child, port } = await start({
      PORT: '0',
      PUBLIC_BASE_URL: 'http://localhost:4557',
      DATABASE_URL: `sqlite:${path.join(os.tmpdir(), `axilla-inflight-${process.pid}.db`)}`,
      HOOK_BUDGET_MS: '5000',
      FHIR_READ_TIMEOUT_MS: '4000',
    });
    const servicePath = '/cds-services/axilla-imaging-order-select';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }) as Record<string, unknown>;
      delete request.prefetch;
      request.fhirServer = `http://127.0.0.1:${fhirPort}/fhir`;
      request.fhirAuthorization = {
        access_token: 'opaque',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/*.read',
        subject: 'axilla',
      };
      const token = await developmentToken(`http://localhost:4557${servicePath}`);
      const inFlight = fetch(`http://127.0.0.1:${port}${servicePath}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      });
      await reading;
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(Array.isArray(((await answer.json()) as { cards: unknown[] }).cards)).toBe(true);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fhir.closeAllConnections();
      fhir.close();
    }
  }, 30000);
});
