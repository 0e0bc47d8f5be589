import nock from 'nock';
import { createLogger } from '../../src/log';
import { expectedOutcomes, hookRequest, patientBundle } from '../../fhir-fixtures/build';
import { api, SERVICE_PATH, testApp } from '../support/app';
import { FHIR_BASE, mockFhirServer, type Failure } from '../support/fhir-server';

const TOKEN = 'ehr-access-token-7c1f9a';
const ORDERS = ['fdg-pet-ct', 'mri-breast-wo-w', 'us-axilla', 'mammography-diagnostic-unspecified'];
const { app } = testApp({ FHIR_READ_TIMEOUT_MS: '300', HOOK_BUDGET_MS: '1500' });

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

/** A hook request without prefetch (or with only some keys), pointing at the mocked FHIR server. */
function fallbackRequest(patient: string, options: { keep?: string[]; token?: string | null; orders?: string[] } = {}) {
  const body = hookRequest({ patient, orders: options.orders ?? ORDERS }) as Record<string, any>;
  const prefetch = body.prefetch as Record<string, unknown>;
  body.prefetch = Object.fromEntries(Object.entries(prefetch).filter(([key]) => (options.keep ?? []).includes(key)));
  body.fhirServer = FHIR_BASE;
  if (options.token !== null)
    body.fhirAuthorization = {
      access_token: options.token ?? TOKEN,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'axilla-cds',
    };
  return body;
}

const ratingsOf = (cards: any[]) =>
  cards
    .map((c) => ({ ...c.extension['axilla-cds.appropriateness'] }))
    .map(({ evidence, ...rest }) => ({ ...rest, evidence: [...evidence].sort() }));
const indicatorsOf = (cards: any[]) => cards.map((c) => `${c.indicator}:${c.summary}`);

describe('no prefetch: every fixture read from the FHIR server gives the same cards as with prefetch', () => {
  it.each(expectedOutcomes().map((e) => [e.fixture] as const))('%s', async (patient) => {
    const withPrefetch = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient, orders: ORDERS }))
      .expect(200);
    const server = mockFhirServer(patientBundle(patient));
    const fallback = await api(app).post(SERVICE_PATH).send(fallbackRequest(patient)).expect(200);

    expect(ratingsOf(fallback.body.cards)).toEqual(ratingsOf(withPrefetch.body.cards));
    expect(indicatorsOf(fallback.body.cards)).toEqual(indicatorsOf(withPrefetch.body.cards));

    expect(server.requests.map((r) => r.type).sort()).toEqual([
      'Condition',
      'DiagnosticReport',
      'MedicationAdministration',
      'MedicationDispense',
      'MedicationRequest',
      'Observation',
      'Patient',
      'Procedure',
    ]);
    for (const r of server.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      if (r.type !== 'Patient') expect(r.query.get('patient')).toBe(patient);
    }
    expect(server.requests.find((r) => r.type === 'Patient')!.path).toBe(`Patient/${patient}`);
    const observationCodes = server.requests
      .find((r) => r.type === 'Observation')!
      .query.get('code')!
      .split(',');
    expect(observationCodes).toEqual(
      expect.arrayContaining(['http://loinc.org|21905-5', 'http://snomed.info/sct|399534004', 'http://loinc.org|21889-1']),
    );
    expect(server.requests.find((r) => r.type === 'MedicationRequest')!.query.get('_include')).toBe('MedicationRequest:medication');
  });
});

describe('reading only what is needed', () => {
  it('no rated order selected: no request to the FHIR server, and "no-criteria-apply" written onto each imaging order', async () => {
    const server = mockFhirServer(patientBundle('pos-mcode'));
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(fallbackRequest('pos-mcode', { orders: ['mri-brain', 'mammography-screening'] }))
      .expect(200);
    expect(res.body.cards).toEqual([]);
    expect(
      res.body.systemActions.map((a: any) => [a.type, a.resource.id, a.resource.extension[0].valueCodeableConcept.coding[0].code]),
    ).toEqual([
      ['update', 'sr-mri-brain', 'no-criteria-apply'],
      ['update', 'sr-mammography-screening', 'no-criteria-apply'],
    ]);
    expect(server.requests).toEqual([]);
  });

  it('prefetch partly present: only the missing keys are read', async () => {
    const server = mockFhirServer(patientBundle('pos-mcode'));
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(fallbackRequest('pos-mcode', { keep: ['patient', 'conditions', 'observations'] }))
      .expect(200);
    expect(res.body.cards).toHaveLength(ORDERS.length);
    expect(server.requests.map((r) => r.type).sort()).toEqual([
      'DiagnosticReport',
      'MedicationAdministration',
      'MedicationDispense',
      'MedicationRequest',
      'Procedure',
    ]);
  });

  it('a null prefetch value means "no data": it is not read again', async () => {
    const server = mockFhirServer(patientBundle('pos-mcode'));
    const body = fallbackRequest('pos-mcode');
    body.prefetch = { medicationAdministrations: null, medicationRequests: null };
    await api(app).post(SERVICE_PATH).send(body).expect(200);
    expect(server.requests.map((r) => r.type)).not.toContain('MedicationAdministration');
    expect(server.requests.map((r) => r.type)).not.toContain('MedicationRequest');
  });

  it('without a token, requests carry no Authorization header (open sandbox servers)', async () => {
    const server = mockFhirServer(patientBundle('pos-mcode'));
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(fallbackRequest('pos-mcode', { token: null }))
      .expect(200);
    expect(res.body.cards).toHaveLength(ORDERS.length);
    expect(server.requests.length).toBeGreaterThan(0);
    for (const r of server.requests) expect(r.authorization).toBeUndefined();
  });
});

describe('paging and references', () => {
  it('follows next links across several pages', async () => {
    const server = mockFhirServer(patientBundle('pos-loinc-legacy'), { pageSize: 2 });
    const res = await api(app).post(SERVICE_PATH).send(fallbackRequest('pos-loinc-legacy')).expect(200);
    expect(res.body.cards).toHaveLength(ORDERS.length);
    const pages = server.requests.filter((r) => r.type === 'MedicationRequest').map((r) => r.query.get('_page') ?? '1');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages).toEqual(pages.map((_p, i) => String(i + 1)));
    for (const r of server.requests) expect(r.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('follows the next link of a paged prefetch Bundle', async () => {
    const server = mockFhirServer(patientBundle('pos-mcode'), { pageSize: 1 });
    const body = hookRequest({ patient: 'pos-mcode', orders: ORDERS }) as Record<string, any>;
    body.fhirServer = FHIR_BASE;
    body.fhirAuthorization = { access_token: TOKEN, token_type: 'Bearer' };
    const observations = body.prefetch.observations;
    const firstTwo = observations.entry.slice(0, 1);
    body.prefetch.observations = {
      ...observations,
      entry: firstTwo,
      link: [{ relation: 'next', url: `${FHIR_BASE}/Observation?patient=pos-mcode&_page=2` }],
    };
    const res = await api(app).post(SERVICE_PATH).send(body).expect(200);
    expect(res.body.cards).toHaveLength(ORDERS.length);
    expect(server.requests.filter((r) => r.type === 'Observation').map((r) => r.query.get('_page'))).toEqual(['2', '3', '4']);
  });

  it('reads referenced Medications that no _include brought', async () => {
    const server = mockFhirServer(patientBundle('pos-medication-reference'), { ignoreInclude: true });
    const res = await api(app).post(SERVICE_PATH).send(fallbackRequest('pos-medication-reference')).expect(200);
    expect(res.body.cards).toHaveLength(ORDERS.length);
    expect(server.requests.filter((r) => r.type === 'Medication').length).toBeGreaterThan(0);
  });

  it('a truncated read (more pages than allowed) is unknown: 412', async () => {
    mockFhirServer(patientBundle('pos-mcode'), { fail: { Procedure: 'endless-pages' } });
    const res = await api(app).post(SERVICE_PATH).send(fallbackRequest('pos-mcode')).expect(412);
    expect(res.body.issue[0].details.text).toMatch(/the read of procedures failed/);
  });
});

describe('a failed Procedure read never yields a card (the surgery might be in it)', () => {
  const failures: [Failure, RegExp][] = [
    ['status-500', /answered 500/],
    ['timeout', /no answer within 300 ms|ran out of time/],
    ['html', /not JSON/],
    ['not-json', /answered 502/],
    ['operation-outcome', /OperationOutcome/],
    ['bundle-with-operation-outcome', /OperationOutcome/],
    ['endless-pages', /truncated/],
  ];

  it.each(failures)(
    '%s: 412 naming the read that failed (never why: that goes to the log), for an operated patient too',
    async (failure, reason) => {
      const lines: string[] = [];
      const { app: logged } = testApp(
        { FHIR_READ_TIMEOUT_MS: '300', HOOK_BUDGET_MS: '1500' },
        { logger: createLogger('info', { write: (line: string) => lines.push(line) }) },
      );
      for (const patient of ['pos-mcode', 'neg-lumpectomy-after-chemo', 'neg-slnb-after-chemo']) {
        mockFhirServer(patientBundle(patient), { fail: { Procedure: failure } });
        const res = await api(logged).post(SERVICE_PATH).send(fallbackRequest(patient)).expect(412);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(res.body.issue[0].details.text).toMatch(/the read of procedures failed/);
        expect(res.body.issue[0].details.text).not.toMatch(reason);
        expect(lines.join('\n')).toMatch(reason);
        expect(JSON.stringify(res.body)).not.toContain(TOKEN);
        nock.abortPendingRequests();
        nock.cleanAll();
      }
    },
  );

  it('an exclusion in the data that did arrive still decides: no card, not a 412', async () => {
    mockFhirServer(patientBundle('neg-cn1'), { fail: { Procedure: 'status-500' } });
    await api(app).post(SERVICE_PATH).send(fallbackRequest('neg-cn1')).expect(200, { cards: [] });
  });

  it('nothing waits past the call budget', async () => {
    const { app: quick } = testApp({ FHIR_READ_TIMEOUT_MS: '5000', HOOK_BUDGET_MS: '400' });
    mockFhirServer(patientBundle('pos-mcode'), { fail: { Procedure: 'timeout' } });
    const started = Date.now();
    const res = await api(quick).post(SERVICE_PATH).send(fallbackRequest('pos-mcode')).expect(412);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.issue[0].details.text).toMatch(/the read of procedures failed/);
  });
});

describe('no fhirServer', () => {
  it('needed data neither in prefetch nor readable: 412', async () => {
    const body = fallbackRequest('pos-mcode', { token: null });
    delete body.fhirServer;
    const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
    expect(res.body.issue[0].details.text).toMatch(/no fhirServer/);
  });
});

describe('the FHIR server is only ever called at its own origin', () => {
  it.each(['http\n://attacker.example.net/steal', 'https://ehr.example.org/other-path/Procedure?page=2', '//attacker.example.net/x'])(
    'a next link %j is not followed',
    async (link) => {
      const elsewhere = nock('https://attacker.example.net').get(/.*/).reply(200, {});
      const body = hookRequest({ patient: 'pos-mcode', orders: ORDERS }) as Record<string, any>;
      body.fhirServer = FHIR_BASE;
      body.fhirAuthorization = { access_token: TOKEN, token_type: 'Bearer' };
      body.prefetch.procedures = { ...body.prefetch.procedures, link: [{ relation: 'next', url: link }] };
      const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
      expect(res.body.issue[0].details.text).toMatch(/the read of procedures failed/);
      expect(elsewhere.isDone()).toBe(false);
    },
  );

  it('a next link to another host is not followed, and the read counts as failed', async () => {
    const elsewhere = nock('https://attacker.example.net').get(/.*/).reply(200, {});
    const body = hookRequest({ patient: 'pos-mcode', orders: ORDERS }) as Record<string, any>;
    body.fhirServer = FHIR_BASE;
    body.fhirAuthorization = { access_token: TOKEN, token_type: 'Bearer' };
    body.prefetch.procedures = {
      ...body.prefetch.procedures,
      link: [{ relation: 'next', url: 'https://attacker.example.net/Procedure?page=2' }],
    };
    const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
    expect(res.body.issue[0].details.text).toMatch(/the read of procedures failed/);
    expect(elsewhere.isDone()).toBe(false);
  });
});
