import request from 'supertest';
import { hookRequest } from '../../fhir-fixtures/build';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { api, SERVICE_PATH, testApp } from '../support/app';
import { describeWithPostgres, freshPostgresDatabase } from '../support/postgres';

const SANDBOX = 'https://sandbox.cds-hooks.org';

describe('CORS for browser clients (the CDS Hooks sandbox)', () => {
  const { app } = testApp();

  it.each(['/cds-services', SERVICE_PATH, `${SERVICE_PATH}/feedback`])('answers the preflight of %s without a token', async (path) => {
    const res = await request(app)
      .options(path)
      .set('Origin', SANDBOX)
      .set('Access-Control-Request-Method', path === '/cds-services' ? 'GET' : 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    expect(res.headers['access-control-allow-headers']).toMatch(/Content-Type/i);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('allows the origin on the real call, never with credentials', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .set('Origin', SANDBOX)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['mri-brain'] }))
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('CORS_ORIGINS restricts the allowed origins', async () => {
    const { app: strict } = testApp({ CORS_ORIGINS: 'https://ehr.example.org' });
    const allowed = await request(strict)
      .options(SERVICE_PATH)
      .set('Origin', 'https://ehr.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ehr.example.org');
    const other = await request(strict).options(SERVICE_PATH).set('Origin', SANDBOX).set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers', () => {
  it('sets the standard headers (helmet) and no X-Powered-By', async () => {
    const { app } = testApp();
    const res = await request(app).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age/);
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('rate limiting per issuer', () => {
  it('is off by default', async () => {
    const { app } = testApp();
    for (let i = 0; i < 5; i++) await api(app).get('/cds-services').expect(200);
  });

  it('RATE_LIMIT_PER_MINUTE answers 429 past the limit', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) await api(app).get('/cds-services').expect(200);
    const res = await api(app).get('/cds-services').expect(429);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describeWithPostgres('rate limiting across instances sharing PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let stores: Store[];
  beforeAll(async () => {
    db = await freshPostgresDatabase();
    stores = [await openStore(db.url), await openStore(db.url)];
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.drop();
  });

  it('the limit holds for the pair, not per instance', async () => {
    const [a, b] = stores.map((store) => testApp({ RATE_LIMIT_PER_MINUTE: '4' }, { store }).app);
    await api(a).get('/cds-services').expect(200);
    await api(b).get('/cds-services').expect(200);
    await api(a).get('/cds-services').expect(200);
    await api(b).get('/cds-services').expect(200);
    await api(a).get('/cds-services').expect(429);
    await api(b).get('/cds-services').expect(429);
  });
});
