import { expectedOutcomes, hookRequest } from '../../fhir-fixtures/build';
import { api, SERVICE_PATH, testApp } from '../support/app';

const { app } = testApp();
const ORDERS = ['fdg-pet-ct', 'mri-breast-wo-w', 'us-axilla', 'mammography-diagnostic-unspecified', 'dbt-diagnostic'];

describe('POST order-select with prefetch: every fixture', () => {
  it.each(expectedOutcomes().map((e) => [e.fixture, e] as const))('%s', async (_name, expected) => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: expected.fixture, orders: ORDERS }))
      .expect(200);
    const ratings = res.body.cards.map((c: any) => c.extension['axilla-cds.appropriateness']);
    if (expected.outcome === 'applies') {
      expect(ratings.map((r: any) => [r.procedure, r.rating, r.disagreement])).toEqual([
        ['fdg-pet-ct', 'usually-not-appropriate', false],
        ['mri-breast-wo-w', 'may-be-appropriate', false],
        ['us-axilla', 'may-be-appropriate', true],
        ['mammography-diagnostic', 'usually-not-appropriate', false],
        ['dbt-diagnostic', 'usually-not-appropriate', false],
      ]);
      expect(res.body.cards.map((c: any) => c.indicator)).toEqual(['warning', 'info', 'info', 'info', 'info']);
    } else if (expected.outcome === 'insufficient-data') {
      expect(ratings).toHaveLength(ORDERS.length);
      for (const r of ratings)
        expect(r).toMatchObject({ rating: 'insufficient-data', missing: expect.arrayContaining(expected.missing ?? []) });
    } else {
      expect(res.body).toEqual({ cards: [] });
    }
  });
});

describe('POST order-select: the prefetch contract', () => {
  it('a prefetch key of null means "no data": read as empty, not fetched', async () => {
    const body = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
    (body.prefetch as Record<string, unknown>).procedures = null;
    const res = await api(app).post(SERVICE_PATH).send(body).expect(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('a missing prefetch key with no fhirServer: 412 naming the key', async () => {
    const body = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
    delete (body.prefetch as Record<string, unknown>).procedures;
    const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].details.text).toMatch(/procedures/);
  });

  it('a prefetch key holding an OperationOutcome is a failed read: 412', async () => {
    const body = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
    (body.prefetch as Record<string, unknown>).observations = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception' }],
    };
    const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
    expect(res.body.issue[0].details.text).toMatch(/observations/);
  });

  it('a prefetch value that is not a FHIR resource is a failed read, not an empty one: 412', async () => {
    const body = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
    (body.prefetch as Record<string, unknown>).procedures = { entry: [] };
    const res = await api(app).post(SERVICE_PATH).send(body).expect(412);
    expect(res.body.issue[0].details.text).toMatch(/procedures/);
  });

  it('an exclusion in the data that did arrive still decides: no card, no 412', async () => {
    const body = hookRequest({ patient: 'neg-cn1', orders: ['fdg-pet-ct'] });
    delete (body.prefetch as Record<string, unknown>).procedures;
    await api(app).post(SERVICE_PATH).send(body).expect(200, { cards: [] });
  });

  it('no prefetch at all, but no rated order selected: 200 with no cards (an imaging order not covered is marked no-criteria-apply)', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['mri-brain'], withPrefetch: false }))
      .expect(200);
    expect(res.body.cards).toEqual([]);
    expect(res.body.systemActions.map((a: any) => a.resource.extension[0].valueCodeableConcept.coding[0].code)).toEqual([
      'no-criteria-apply',
    ]);
  });

  it('insufficient-data cards can be switched off with INSUFFICIENT_DATA_CARDS=off', async () => {
    const { app: quiet } = testApp({ INSUFFICIENT_DATA_CARDS: 'off' });
    await api(quiet)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'insufficient-no-size', orders: ['fdg-pet-ct'] }))
      .expect(200, { cards: [] });
  });

  it('CHEMO_MAX_DAYS_SINCE_END changes the ended-too-long-ago limit', async () => {
    const { app: strict } = testApp({ CHEMO_MAX_DAYS_SINCE_END: '30' });
    await api(strict)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }))
      .expect(200, { cards: [] });
  });
});
