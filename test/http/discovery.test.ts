import { api, testApp } from '../support/app';

const { app } = testApp();

describe('GET /cds-services', () => {
  it('lists an order-select and an order-sign service, each with its own id, title, description and the same prefetch', async () => {
    const res = await api(app).get('/cds-services').expect(200).expect('Content-Type', /json/);
    expect(res.body.services.map((s: { id: string; hook: string }) => [s.id, s.hook])).toEqual([
      ['axilla-imaging-order-select', 'order-select'],
      ['axilla-imaging-order-sign', 'order-sign'],
    ]);
    expect(res.body.services[1].prefetch).toEqual(res.body.services[0].prefetch);
    const [service] = res.body.services;
    expect(service.title).toEqual(expect.any(String));
    expect(service.description).toEqual(expect.any(String));
    expect(Object.keys(service.prefetch).sort()).toEqual(
      [
        'conditions',
        'diagnosticReports',
        'medicationAdministrations',
        'medicationDispenses',
        'medicationRequests',
        'observations',
        'patient',
        'procedures',
      ].sort(),
    );
  });

  it('uses only CDS Hooks 2.0 prefetch tokens', async () => {
    const res = await api(app).get('/cds-services').expect(200);
    const templates: string[] = Object.values(res.body.services[0].prefetch);
    const tokens = templates.flatMap((t) => [...t.matchAll(/\{\{([^}]*)\}\}/g)].map((m) => m[1]));
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(['context.patientId', 'context.userId', 'context.encounterId']).toContain(token);
  });

  it('narrows Observations to the staging and tumour-size codes the engine reads', async () => {
    const res = await api(app).get('/cds-services').expect(200);
    const observations: string = res.body.services[0].prefetch.observations;
    expect(observations.startsWith('Observation?patient={{context.patientId}}&code=')).toBe(true);
    for (const code of [
      'http://loinc.org|21905-5',
      'http://loinc.org|21906-3',
      'http://snomed.info/sct|399534004',
      'http://loinc.org|21889-1',
    ]) {
      expect(observations.split('code=')[1].split(',')).toContain(code);
    }
    expect(res.body.services[0].prefetch.medicationRequests).toContain('_include=MedicationRequest:medication');
  });

  it('states the knowledge version it serves', async () => {
    const res = await api(app).get('/cds-services').expect(200);
    expect(res.body.services[0].extension['axilla-cds.knowledge']).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      variant: 'acr-286-v8',
    });
  });
});

describe('GET /healthz', () => {
  it('answers 200 without authentication', async () => {
    const res = await api(app).get('/healthz').expect(200);
    expect(res.body.status).toBe('ok');
  });
});
