import request from 'supertest';
import { hookRequest } from '../../fhir-fixtures/build';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { api, SERVICE_PATH, testApp } from '../support/app';

const TOKEN = 'prometheus-scraper-credential-2026';

describe('GET /metrics (Prometheus)', () => {
  it('does not exist unless configured (404)', async () => {
    await request(testApp().app).get('/metrics').expect(404);
  });

  it('behind its own credential: 401 without it; with it, calls by service, outcome and status, latency, FHIR reads, JWT refusals, audit rows dropped', async () => {
    const { app } = testApp({ METRICS_TOKEN: TOKEN });
    await request(app).get('/metrics').expect(401);
    await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }))
      .expect(200);
    await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'neg-cn1', orders: ['fdg-pet-ct'] }))
      .expect(200);
    await request(app).post(SERVICE_PATH).set('Authorization', 'Bearer not.a.jwt').send({}).expect(401);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/axilla_hook_calls_total\{service="axilla-imaging-order-select",outcome="applies",status="200"\} 1/);
    expect(res.text).toMatch(/axilla_hook_calls_total\{service="axilla-imaging-order-select",outcome="does-not-apply",status="200"\} 1/);
    expect(res.text).toMatch(/axilla_hook_duration_seconds_count\{service="axilla-imaging-order-select"\} 2/);
    expect(res.text).toMatch(/axilla_jwt_refusals_total\{reason="[^"]+"\} 1/);
    expect(res.text).toMatch(/axilla_audit_rows_dropped 0/);
    expect(res.text).toMatch(/axilla_process_resident_memory_bytes/);
    expect(res.text).not.toMatch(/pos-mcode|neg-cn1/);
  });

  it('open to an internal scraper when METRICS=open', async () => {
    await request(testApp({ METRICS: 'open' }).app)
      .get('/metrics')
      .expect(200);
  });
});

describe('readiness and liveness', () => {
  it('/healthz says the process is up; /readyz that the store answers and the knowledge is loaded', async () => {
    const { app } = testApp();
    await request(app).get('/healthz').expect(200);
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', store: 'sqlite', knowledge: expect.any(String), digest: expect.any(String) });
  });

  it('/readyz answers 503 while the store does not answer; /healthz stays 200', async () => {
    const real = openSqliteStore(':memory:');
    const broken: Store = { ...real, engine: real.engine, migrations: () => Promise.reject(new Error('connection refused')) };
    const { app } = testApp({}, { store: broken });
    await request(app).get('/readyz').expect(503);
    await request(app).get('/healthz').expect(200);
  });
});
