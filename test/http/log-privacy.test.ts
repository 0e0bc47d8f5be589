import { hookRequest, patientBundle } from '../../fhir-fixtures/build';
import { createLogger } from '../../src/log';
import { api, SERVICE_PATH, testApp } from '../support/app';
import { mockFhirServer, FHIR_BASE } from '../support/fhir-server';
import nock from 'nock';

const ACCESS_TOKEN = 'eyJhbGciOiJSUzM4NCJ9.ehr-access-token-secret.sig';

/** Every string a patient's record holds that would identify her: names, MRN, birth date, resource ids' contents. */
function identifyingStrings(patient: string): string[] {
  const p = patientBundle(patient).entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as any;
  return [
    ...(p.name ?? []).flatMap((n: any) => [...(n.given ?? []), n.family]),
    ...(p.identifier ?? []).map((i: any) => i.value),
    p.birthDate,
  ].filter(Boolean);
}

describe('logs never hold patient data or tokens', () => {
  afterEach(() => nock.cleanAll());

  it.each(['pos-mcode', 'insufficient-everything', 'neg-cn1'])('%s: through cards, fallback reads and errors', async (patient) => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => lines.push(line) });
    const { app } = testApp({ LOG_LEVEL: 'trace' }, { logger });

    await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient, orders: ['fdg-pet-ct', 'us-axilla'] }))
      .expect(200);
    mockFhirServer(patientBundle(patient), { fail: { Procedure: 'status-500' } });
    const fallback: any = hookRequest({ patient, orders: ['fdg-pet-ct'], withPrefetch: false });
    fallback.fhirServer = FHIR_BASE;
    fallback.fhirAuthorization = { access_token: ACCESS_TOKEN, token_type: 'Bearer' };
    await api(app).post(SERVICE_PATH).send(fallback);
    await api(app)
      .post(SERVICE_PATH)
      .send({ ...fallback, context: { ...fallback.context, selections: 'x' } })
      .expect(400);
    await api(app).post(SERVICE_PATH).set('Content-Type', 'application/json').send('{"broken": ').expect(400);

    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const secret of [ACCESS_TOKEN, 'ehr-access-token-secret', ...identifyingStrings(patient)]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT of any kind
    expect(log).not.toMatch(/"resourceType"/); // no resource contents
  });
});
