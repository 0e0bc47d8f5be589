import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hookRequest } from '../../fhir-fixtures/build';
import { api, SERVICE_PATH, testApp } from '../support/app';
import { TEST_TRUST_FILE } from '../support/keys';

const { app } = testApp();

function validBody(): Record<string, any> {
  return hookRequest({ patient: 'pos-mcode', orders: ['mri-brain'] });
}

/** Posts a body and expects an OperationOutcome naming `field`. */
async function expectRefusal(body: unknown, status: number, field?: string, path = SERVICE_PATH) {
  const res = await api(app).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].severity).toBe('error');
  expect(res.body.issue[0].details.text).toEqual(expect.any(String));
  if (field) expect(res.body.issue[0].expression).toEqual([field]);
  return res.body.issue[0];
}

describe('POST /cds-services/{id}: a valid request', () => {
  it('answers 200 with no cards when no selected order is rated (an imaging order it does not cover is marked no-criteria-apply)', async () => {
    const res = await api(app).post(SERVICE_PATH).send(validBody()).expect(200);
    expect(res.body.cards).toEqual([]);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('answers exactly {"cards": []} for an order that is not imaging at all', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['medication-request-ondansetron'] }))
      .expect(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('ignores unknown fields, as the spec requires', async () => {
    const body: Record<string, any> = { ...validBody(), somethingNew: { a: 1 }, extension: { 'org.example.x': true } };
    body.context.futureField = 'x';
    await api(app).post(SERVICE_PATH).send(body).expect(200);
  });

  it('needs only access_token and token_type inside fhirAuthorization', async () => {
    const body = {
      ...validBody(),
      fhirServer: 'https://ehr.example.org/fhir/R4',
      fhirAuthorization: { access_token: 'opaque', token_type: 'Bearer' },
    };
    await api(app).post(SERVICE_PATH).send(body).expect(200);
  });

  it('accepts application/fhir+json and a draftOrders Bundle without type', async () => {
    const body = validBody();
    delete body.context.draftOrders.type;
    await api(app).post(SERVICE_PATH).set('Content-Type', 'application/fhir+json').send(JSON.stringify(body)).expect(200);
  });
});

describe('POST /cds-services/{id}: refusals carry an OperationOutcome naming the field', () => {
  it('400 for malformed JSON', async () => {
    const res = await api(app).post(SERVICE_PATH).set('Content-Type', 'application/json').send('{"hook": "order-select",').expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].details.text).toMatch(/not valid JSON/);
  });

  it('400 for a body that is not an object', async () => {
    await expectRefusal([1, 2], 400);
  });

  it('400 when context is missing', async () => {
    const { context: _omit, ...body } = validBody();
    await expectRefusal(body, 400, 'context');
  });

  it('400 when hookInstance is missing', async () => {
    const { hookInstance: _omit, ...body } = validBody();
    await expectRefusal(body, 400, 'hookInstance');
  });

  it('400 when selections is not an array', async () => {
    const body = validBody();
    body.context.selections = 'ServiceRequest/sr-mri-brain';
    await expectRefusal(body, 400, 'context.selections');
  });

  it('400 when a selection is not of the form Type/id', async () => {
    const body = validBody();
    body.context.selections = ['sr-mri-brain'];
    await expectRefusal(body, 400, 'context.selections[0]');
  });

  it('400 when a selection is not among the draft orders', async () => {
    const body = validBody();
    body.context.selections = ['ServiceRequest/not-drafted'];
    await expectRefusal(body, 400, 'context.selections[0]');
  });

  it('400 when draftOrders is not a Bundle', async () => {
    const body = validBody();
    body.context.draftOrders = { resourceType: 'ServiceRequest', id: 'x' };
    await expectRefusal(body, 400, 'context.draftOrders.resourceType');
  });

  it('400 when patientId is missing from the context', async () => {
    const body = validBody();
    delete body.context.patientId;
    await expectRefusal(body, 400, 'context.patientId');
  });

  it('400 for the wrong hook for this service', async () => {
    const issue = await expectRefusal({ ...validBody(), hook: 'patient-view' }, 400, 'hook');
    expect(issue.details.text).toMatch(/order-select/);
  });

  it('400 when fhirAuthorization comes without fhirServer', async () => {
    await expectRefusal({ ...validBody(), fhirAuthorization: { access_token: 'opaque', token_type: 'Bearer' } }, 400, 'fhirServer');
  });

  it('400 when fhirAuthorization lacks access_token', async () => {
    await expectRefusal(
      { ...validBody(), fhirServer: 'https://ehr.example.org/fhir/R4', fhirAuthorization: { token_type: 'Bearer' } },
      400,
      'fhirAuthorization.access_token',
    );
  });

  it('400 when a prefetch value is neither a resource nor null', async () => {
    await expectRefusal({ ...validBody(), prefetch: { patient: 'Patient/1' } }, 400, 'prefetch.patient');
  });

  it.each(['http://', 'not a url', 'ftp://ehr.example.org/fhir'])(
    '400 for a fhirServer that is not an http(s) URL: %s',
    async (fhirServer) => {
      await expectRefusal({ ...validBody(), fhirServer }, 400, 'fhirServer');
    },
  );

  it('404 for an unknown service id', async () => {
    await expectRefusal(validBody(), 404, 'id', '/cds-services/no-such-service');
  });

  it('400 as JSON for a path that cannot be decoded', async () => {
    const res = await api(app).post('/cds-services/%E0%A4%A').send(validBody()).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('404 as JSON for an unknown path', async () => {
    const res = await api(app).get('/nothing-here').expect(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('413 for a body over the limit', async () => {
    const { app: small } = testApp({ BODY_LIMIT: '2kb' });
    const body = { ...validBody(), padding: 'x'.repeat(4096) };
    const res = await api(small).post(SERVICE_PATH).send(body).expect(413);
    expect(res.body.issue[0].code).toBe('too-costly');
  });

  it('415 for a body that is not JSON', async () => {
    const res = await api(app).post(SERVICE_PATH).set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('fhirServer scheme', () => {
  // In production an issuer declares its FHIR servers or opts out of the list (then addresses are guarded).
  const trust = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-any-fhir-')), 'trusted-issuers.json');
  fs.writeFileSync(
    trust,
    JSON.stringify(JSON.parse(fs.readFileSync(TEST_TRUST_FILE, 'utf8')).map((e: object) => ({ ...e, anyFhirServer: true }))),
  );
  const production = testApp({
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    DATABASE_URL: 'sqlite:/tmp/axilla-test.db',
    CDS_TRUSTED_ISSUERS: trust,
  }).app;

  it('refuses http:// for a non-loopback FHIR server in production', async () => {
    const res = await api(production)
      .post(SERVICE_PATH)
      .send({ ...validBody(), fhirServer: 'http://ehr.example.org/fhir' })
      .expect(400);
    expect(res.body.issue[0].expression).toEqual(['fhirServer']);
  });

  it('accepts http:// on a loopback host in production', async () => {
    await api(production)
      .post(SERVICE_PATH)
      .send({ ...validBody(), fhirServer: 'http://127.0.0.1:8080/fhir' })
      .expect(200);
  });
});
