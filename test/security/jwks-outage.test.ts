import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createLogger } from '../../src/log';
import { KeysUnavailable, remoteJwks } from '../../src/security/remote-jwks';
import { testApp } from '../support/app';
import { bearer, es384, publicJwk, writeTrustFile } from '../support/keys';

/**
 * Issue 11: a JWKS outage is not an outage. The issuer's JWKS is served from a loopback server that is
 * switched up (200), down (503) or off (connection refused); the service's clock is moved with a spy on
 * Date.now (jose's JWT claim checks use `new Date()`, so tokens carry real-time iat/exp).
 */
const ISSUER = 'https://outage.example';
const DISCOVERY = '/cds-services';
const rotated = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const K1 = publicJwk(es384.publicKey, 'k1', 'ES384');
const K2 = publicJwk(rotated.publicKey, 'k2', 'ES384');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let server: http.Server | undefined;
let port = 0;
let status = 200;
let keys: object[] = [K1];
let fetches = 0;

async function serve(): Promise<void> {
  status = 200;
  server = http.createServer((_req, res) => {
    fetches += 1;
    // No kept-alive connections: each fetch meets the server as it is now (up, down or gone).
    if (status !== 200) return void res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' }).end('maintenance');
    res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => (server as http.Server).listen(port, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}

/** Connection refused: the server stops listening and drops kept-alive connections. */
async function refuse(): Promise<void> {
  const closing = server;
  server = undefined;
  if (!closing) return;
  await new Promise<void>((resolve) => {
    closing.close(() => resolve());
    closing.closeAllConnections();
  });
}

const realNow = Date.now.bind(Date);
let offsetMs = 0;
/** Moves the service's clock (its JWKS cache ages) without touching the tokens' iat/exp. */
const at = (ms: number) => (offsetMs = ms);

beforeEach(async () => {
  keys = [K1];
  offsetMs = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  await serve();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await refuse();
});

/** A fresh service (empty key cache) trusting ISSUER by `jwksUrl`, with default JWKS settings and its log captured. */
function outageApp(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const trust = writeTrustFile([{ iss: ISSUER, jwksUrl: `http://127.0.0.1:${port}/jwks.json` }]);
  const { app } = testApp({ CDS_TRUSTED_ISSUERS: trust, JWKS_TIMEOUT_MS: '500', ...env }, { logger });
  return { app, log: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), text: () => lines.join('\n') };
}

const realSeconds = () => Math.floor(realNow() / 1000);
const token = (kid: string, key = kid === 'k2' ? rotated.privateKey : es384.privateKey) =>
  bearer(DISCOVERY, { claims: { iss: ISSUER, iat: realSeconds(), exp: realSeconds() + 300 }, header: { kid }, key });
const discover = async (app: ReturnType<typeof outageApp>['app'], authorization: string) =>
  request(app).get(DISCOVERY).set('Authorization', authorization);

async function expectUnavailable(res: request.Response) {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'transient', details: { text: expect.any(String) } }],
  });
}

describe('a JWKS outage is not an outage (issue 11)', () => {
  it('(1) endpoint down and the cache past the refresh age: a known kid still verifies, and the failure is logged as an error', async () => {
    const { app, log, text } = outageApp();
    expect((await discover(app, await token('k1'))).status).toBe(200);
    await refuse();
    at(11 * MINUTE);
    const authorization = await token('k1');
    expect((await discover(app, authorization)).status).toBe(200);
    const failure = log().find((l) => l.level === 50 && String(l.msg).startsWith('JWKS refresh failed'));
    expect(failure).toMatchObject({ issuer: ISSUER, jwksHost: `127.0.0.1:${port}`, reason: 'ECONNREFUSED' });
    expect(text()).not.toContain(authorization.slice('Bearer '.length));
    expect(text()).not.toContain('/jwks.json');
  });

  it('(2) endpoint down and a kid we do not hold: 503 with an OperationOutcome, not 401', async () => {
    const { app, log } = outageApp();
    expect((await discover(app, await token('k1'))).status).toBe(200);
    await refuse();
    at(31_000); // past the cooldown, so the unknown kid may trigger a fetch; the cache is still fresh
    await expectUnavailable(await discover(app, await token('k2')));
    expect(log().find((l) => l.msg === 'JWT not checked')).toMatchObject({ level: 50, reason: 'issuer keys unavailable', issuer: ISSUER });
    // The kid we hold is unaffected.
    expect((await discover(app, await token('k1'))).status).toBe(200);
  });

  it('(2b) no key set ever fetched and the endpoint answers 503: 503', async () => {
    status = 503;
    const { app } = outageApp();
    await expectUnavailable(await discover(app, await token('k1')));
  });

  it('(3) endpoint up without the kid: 401', async () => {
    const { app } = outageApp();
    const res = await discover(app, await token('k2'));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'security', details: { text: 'Unauthorized' } }],
    });
    at(31_000);
    expect((await discover(app, await token('k2'))).status).toBe(401);
  });

  it('(4) past the grace with the endpoint down: the cached set is dropped and a known kid gets 503', async () => {
    const { app } = outageApp();
    expect((await discover(app, await token('k1'))).status).toBe(200);
    status = 503;
    at(11 * MINUTE);
    expect((await discover(app, await token('k1'))).status).toBe(200);
    at(10 * MINUTE + 24 * HOUR + MINUTE);
    await expectUnavailable(await discover(app, await token('k1')));
  });

  it('(4b) JWKS_GRACE_H shortens the grace', async () => {
    const { app } = outageApp({ JWKS_GRACE_H: '1', JWKS_REFRESH_S: '60' });
    expect((await discover(app, await token('k1'))).status).toBe(200);
    status = 503;
    at(30 * MINUTE);
    expect((await discover(app, await token('k1'))).status).toBe(200);
    at(62 * MINUTE);
    await expectUnavailable(await discover(app, await token('k1')));
  });

  it('(5) the endpoint back: fresh keys are used again', async () => {
    const { app } = outageApp();
    expect((await discover(app, await token('k1'))).status).toBe(200);
    await refuse();
    at(25 * HOUR);
    await expectUnavailable(await discover(app, await token('k1')));
    keys = [K2]; // rotated during the outage
    await serve();
    const before = fetches;
    at(25 * HOUR + 31_000);
    expect((await discover(app, await token('k2'))).status).toBe(200);
    expect(fetches).toBe(before + 1);
    expect((await discover(app, await token('k1'))).status).toBe(401);
  });
});

describe('remoteJwks', () => {
  const header = { alg: 'ES384', kid: 'k1' };
  const jws = { payload: '', signature: '' };

  it('tries a failing endpoint and logs the failure at most once per cooldown, on its injected clock', async () => {
    status = 503;
    const lines: string[] = [];
    let clock = 1_000_000;
    const getKey = remoteJwks(`http://127.0.0.1:${port}/jwks.json`, {
      issuer: ISSUER,
      timeoutMs: 500,
      cooldownMs: 30_000,
      refreshMs: 600_000,
      graceMs: HOUR,
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      now: () => clock,
    });
    const before = fetches;
    await expect(getKey(header, jws)).rejects.toBeInstanceOf(KeysUnavailable);
    await expect(getKey(header, jws)).rejects.toBeInstanceOf(KeysUnavailable);
    expect(fetches).toBe(before + 1);
    expect(lines).toHaveLength(1);
    clock += 30_000;
    status = 200;
    await expect(getKey(header, jws)).resolves.toBeDefined();
    expect(fetches).toBe(before + 2);
    expect(lines).toHaveLength(1);
  });

  it('shares one fetch among concurrent calls, and accepts only a JSON object with a keys array', async () => {
    const getKey = remoteJwks(`http://127.0.0.1:${port}/jwks.json`, {
      issuer: ISSUER,
      timeoutMs: 500,
      cooldownMs: 0,
      refreshMs: 600_000,
      graceMs: HOUR,
    });
    const before = fetches;
    await Promise.all([getKey(header, jws), getKey(header, jws), getKey(header, jws)]);
    expect(fetches).toBe(before + 1);

    keys = 'not an array' as unknown as object[];
    const strict = remoteJwks(`http://127.0.0.1:${port}/jwks.json`, {
      issuer: ISSUER,
      timeoutMs: 500,
      cooldownMs: 0,
      refreshMs: 600_000,
      graceMs: HOUR,
    });
    await expect(strict(header, jws)).rejects.toBeInstanceOf(KeysUnavailable);
  });
});
