import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import request from 'supertest';
import { hookRequest } from '../../fhir-fixtures/build';
import { createLogger } from '../../src/log';
import { openStore } from '../../src/store/open';
import { SERVICE_PATH, testApp } from '../support/app';
import {
  bearer,
  es384,
  ES384_ISSUER,
  ES384_KID,
  publicJwk,
  rs384,
  RS384_ISSUER,
  signToken,
  TEST_BASE_URL,
  writeTrustFile,
} from '../support/keys';
import { describeWithPostgres, freshPostgresDatabase } from '../support/postgres';

const body = () => hookRequest({ patient: 'pos-mcode', orders: ['mri-brain'] });
const { app } = testApp();

async function call(authorization: string | undefined, path = SERVICE_PATH, target = app) {
  const req = request(target).post(path).send(body());
  return authorization ? req.set('Authorization', authorization) : req;
}

async function expectRefused(authorization: string | undefined, path = SERVICE_PATH, target = app) {
  const res = await call(authorization, path, target);
  expect(res.status).toBe(401);
  expect(res.body).toEqual({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'security', details: { text: 'Unauthorized' } }],
  });
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('valid tokens', () => {
  it('ES384 and RS384 are accepted', async () => {
    expect((await call(await bearer(SERVICE_PATH, { alg: 'ES384' }))).status).toBe(200);
    expect((await call(await bearer(SERVICE_PATH, { alg: 'RS384' }))).status).toBe(200);
  });

  it('extra claims (sub, nbf in the past, vendor claims) and aud as an array are tolerated', async () => {
    const token = await bearer(SERVICE_PATH, {
      claims: { sub: 'client-1', nbf: now() - 300, 'epic.eci': 'x', aud: [`${TEST_BASE_URL}${SERVICE_PATH}`, 'https://other'] },
    });
    expect((await call(token)).status).toBe(200);
  });

  it('fractional and far-future exp values are accepted (and remembered only up to the maximum token age)', async () => {
    expect((await call(await bearer(SERVICE_PATH, { claims: { exp: now() + 300.5 } }))).status).toBe(200);
    expect((await call(await bearer(SERVICE_PATH, { claims: { exp: 1e20 } }))).status).toBe(200);
  });

  it('an exp just past, within the clock skew, is accepted', async () => {
    expect((await call(await bearer(SERVICE_PATH, { claims: { exp: now() - 30, iat: now() - 330 } }))).status).toBe(200);
  });

  it('/healthz needs no token', async () => {
    await request(app).get('/healthz').expect(200);
  });

  it('discovery needs a token for the discovery URL', async () => {
    await request(app).get('/cds-services').expect(401);
    await request(app)
      .get('/cds-services')
      .set('Authorization', await bearer('/cds-services'))
      .expect(200);
  });
});

describe('each refusal answers 401 with no detail', () => {
  it('no Authorization header', async () => expectRefused(undefined));
  it('not a Bearer token', async () => expectRefused('Basic dXNlcjpwYXNz'));
  it('a Bearer value that is not a JWT', async () => expectRefused('Bearer not-a-jwt'));
  it('alg none', async () =>
    expectRefused(
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ES384_ISSUER, aud: `${TEST_BASE_URL}${SERVICE_PATH}`, iat: now(), exp: now() + 60, jti: crypto.randomUUID() })}.`,
    ));
  it('HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = Buffer.from(JSON.stringify(publicJwk(es384.publicKey, ES384_KID, 'ES384')));
    const token = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256', kid: ES384_KID })
      .setIssuer(ES384_ISSUER)
      .setAudience(`${TEST_BASE_URL}${SERVICE_PATH}`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    await expectRefused(`Bearer ${token}`);
  });
  it('an untrusted issuer', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { iss: 'https://unknown.example' } })));
  it('aud of another endpoint', async () => expectRefused(await bearer('/cds-services')));
  it('aud of another host', async () =>
    expectRefused(await bearer(SERVICE_PATH, { claims: { aud: `https://evil.example${SERVICE_PATH}` } })));
  it('expired beyond the clock skew', async () =>
    expectRefused(await bearer(SERVICE_PATH, { claims: { exp: now() - 120, iat: now() - 420 } })));
  it('nbf in the future', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { nbf: now() + 600 } })));
  it('iat older than the maximum token age', async () =>
    expectRefused(await bearer(SERVICE_PATH, { claims: { iat: now() - 7200, exp: now() + 60 } })));
  it('no jti', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { jti: undefined } })));
  it('no exp', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { exp: undefined } })));
  it('no iat', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { iat: undefined } })));
  it('a kid the issuer does not have', async () => expectRefused(await bearer(SERVICE_PATH, { header: { kid: 'unknown-kid' } })));
  it('no kid header', async () => expectRefused(await bearer(SERVICE_PATH, { header: { kid: undefined } })));
  it('a typ other than JWT', async () => expectRefused(await bearer(SERVICE_PATH, { header: { typ: 'at+jwt' } })));
  it('a jti holding a NUL character', async () => expectRefused(await bearer(SERVICE_PATH, { claims: { jti: 'a\u0000b' } })));
  it('signed by another key under the right kid', async () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await expectRefused(await bearer(SERVICE_PATH, { key: other.privateKey }));
  });
  it('an algorithm the issuer does not allow (RS256 for an RS384-only issuer)', async () => {
    const token = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: 'rs384-test-1' })
      .setIssuer(RS384_ISSUER)
      .setAudience(`${TEST_BASE_URL}${SERVICE_PATH}`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(rs384.privateKey);
    await expectRefused(`Bearer ${token}`);
  });
  it('a replayed jti', async () => {
    const token = await bearer(SERVICE_PATH);
    expect((await call(token)).status).toBe(200);
    await expectRefused(token);
  });
  it('a feedback call with the service audience', async () => {
    const res = await request(app)
      .post(`${SERVICE_PATH}/feedback`)
      .set('Authorization', await bearer(SERVICE_PATH))
      .send({ feedback: [] });
    expect(res.status).toBe(401);
  });
});

describe('per-issuer settings', () => {
  const trust = writeTrustFile([
    {
      iss: 'https://tenanted.example',
      jwks: { keys: [publicJwk(es384.publicKey, ES384_KID, 'ES384')] },
      tenants: ['hospital-a'],
      audiences: ['https://example.com/savecdshooksrequest'],
      fhirServers: ['https://fhir.hospital-a.example/R4'],
    },
  ]);
  const { app: configured } = testApp({ CDS_TRUSTED_ISSUERS: trust });
  const as = (claims: Record<string, unknown>) =>
    bearer(SERVICE_PATH, { claims: { iss: 'https://tenanted.example', tenant: 'hospital-a', ...claims } });

  it('a tenant on the list is accepted, another or none is refused', async () => {
    expect((await call(await as({}), SERVICE_PATH, configured)).status).toBe(200);
    await expectRefused(await as({ tenant: 'hospital-b' }), SERVICE_PATH, configured);
    await expectRefused(await as({ tenant: undefined }), SERVICE_PATH, configured);
  });

  it('an audience configured for the issuer (Epic sets aud by hand) is accepted', async () => {
    expect((await call(await as({ aud: 'https://example.com/savecdshooksrequest' }), SERVICE_PATH, configured)).status).toBe(200);
  });

  it("a fhirServer not on the issuer's list is refused, so a token cannot send the service elsewhere", async () => {
    const send = async (fhirServer: string) =>
      request(configured)
        .post(SERVICE_PATH)
        .set('Authorization', await as({}))
        .send({ ...body(), fhirServer, fhirAuthorization: { access_token: 'x', token_type: 'Bearer' } });
    expect((await send('https://fhir.hospital-a.example/R4')).status).toBe(200);
    const refused = await send('https://attacker.example/fhir');
    expect(refused.status).toBe(401);
    expect(refused.body.issue[0].details.text).toBe('Unauthorized');
  });
});

describe('remote key sets', () => {
  let server: http.Server;
  let base: string;
  let keys: object[] = [];
  let fetches = 0;
  let attackerFetches = 0;
  let delayMs = 0;
  const rotated = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const attacker = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/attacker.json') attackerFetches += 1;
      else fetches += 1;
      const body = req.url === '/attacker.json' ? { keys: [publicJwk(attacker.publicKey, 'atk', 'ES384')] } : { keys };
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  const remoteApp = (extra: object = {}) =>
    testApp({
      CDS_TRUSTED_ISSUERS: writeTrustFile([{ iss: 'https://remote.example', jwksUrl: `${base}/jwks.json`, ...extra }]),
      JWKS_COOLDOWN_MS: '0',
      JWKS_TIMEOUT_MS: '300',
    }).app;
  const remoteToken = (kid: string, key = es384.privateKey, header: object = {}) =>
    bearer(SERVICE_PATH, { claims: { iss: 'https://remote.example' }, header: { kid, ...header }, key });

  it('fetches the JWKS over loopback http, and again on an unknown kid (rotation)', async () => {
    keys = [publicJwk(es384.publicKey, 'k1', 'ES384')];
    const remote = remoteApp();
    expect((await call(await remoteToken('k1'), SERVICE_PATH, remote)).status).toBe(200);
    const before = fetches;
    keys = [publicJwk(es384.publicKey, 'k1', 'ES384'), publicJwk(rotated.publicKey, 'k2', 'ES384')];
    expect((await call(await remoteToken('k2', rotated.privateKey), SERVICE_PATH, remote)).status).toBe(200);
    expect(fetches).toBeGreaterThan(before);
  });

  it('a JWKS that does not answer in time, with no keys held for the kid: 503, to be retried (not a 401, which EHRs do not retry)', async () => {
    delayMs = 1000;
    try {
      const res = await request(remoteApp())
        .post(SERVICE_PATH)
        .set('Authorization', await remoteToken('k1'))
        .send({});
      expect(res.status).toBe(503);
      expect(res.body.issue[0].code).toBe('transient');
    } finally {
      delayMs = 0;
    }
  });

  it('a jku that is not allowlisted is never fetched (no key substitution, no SSRF)', async () => {
    keys = [publicJwk(es384.publicKey, 'k1', 'ES384')];
    const remote = remoteApp();
    await call(await remoteToken('k1'), SERVICE_PATH, remote);
    const before = attackerFetches;
    await expectRefused(await remoteToken('atk', attacker.privateKey, { jku: `${base}/attacker.json` }), SERVICE_PATH, remote);
    expect(attackerFetches).toBe(before);
  });

  it('an allowlisted jku is followed', async () => {
    const remote = remoteApp({ jkuAllowlist: [`${base}/attacker.json`] });
    const before = attackerFetches;
    expect((await call(await remoteToken('atk', attacker.privateKey, { jku: `${base}/attacker.json` }), SERVICE_PATH, remote)).status).toBe(
      200,
    );
    expect(attackerFetches).toBe(before + 1);
  });
});

describe('when the replay cache cannot be reached', () => {
  it('answers 503, never a 500 and never an unchecked call', async () => {
    const { openSqliteStore } = jest.requireActual<typeof import('../../src/store/sqlite')>('../../src/store/sqlite');
    const broken = openSqliteStore(':memory:');
    broken.rememberJti = async () => {
      throw new Error('connection refused');
    };
    const { app: down } = testApp({}, { store: broken });
    const res = await call(await bearer(SERVICE_PATH), SERVICE_PATH, down);
    expect(res.status).toBe(503);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('logging of refusals', () => {
  it('records issuer and reason, never the token', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const { app: logged } = testApp({}, { logger });
    const token = await bearer(SERVICE_PATH, { claims: { exp: now() - 600, iat: now() - 900 } });
    await call(token, SERVICE_PATH, logged);
    const refusal = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'JWT refused');
    expect(refusal).toMatchObject({ issuer: ES384_ISSUER, reason: 'token expired' });
    expect(lines.join('\n')).not.toContain(token.slice('Bearer '.length));
  });
});

describeWithPostgres('replay across instances sharing one PostgreSQL database', () => {
  it('a token used at one instance is refused at the other', async () => {
    const { url, drop } = await freshPostgresDatabase();
    const [storeA, storeB] = await Promise.all([openStore(url), openStore(url)]);
    try {
      const a = testApp({}, { store: storeA }).app;
      const b = testApp({}, { store: storeB }).app;
      const token = await bearer(SERVICE_PATH);
      expect((await call(token, SERVICE_PATH, a)).status).toBe(200);
      await expectRefused(token, SERVICE_PATH, b);
      const fresh = await signToken(SERVICE_PATH);
      expect((await call(`Bearer ${fresh}`, SERVICE_PATH, b)).status).toBe(200);
      // PostgreSQL BIGINT holds the expiry: fractional and far-future exp values are bounded first.
      expect((await call(await bearer(SERVICE_PATH, { claims: { exp: now() + 300.5 } }), SERVICE_PATH, b)).status).toBe(200);
      expect((await call(await bearer(SERVICE_PATH, { claims: { exp: 1e20 } }), SERVICE_PATH, b)).status).toBe(200);
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
      await drop();
    }
  });
});
