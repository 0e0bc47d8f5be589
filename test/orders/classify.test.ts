import { draftOrder } from '../../fhir-fixtures/build';
import { orderClassifier } from '../../src/orders/classify';
import { knowledge } from '../support/app';

const classify = orderClassifier(knowledge());
const imaging = knowledge().valueSet('imaging-procedures').file;
const BODY_SITES = knowledge().valueSet('body-sites').file.codes;

function serviceRequest(coding: object[], bodySiteMeaning?: string): object {
  const site = BODY_SITES.find((c) => c.meaning === bodySiteMeaning);
  return {
    resourceType: 'ServiceRequest',
    id: 'sr-1',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    code: { coding },
    ...(site ? { bodySite: [{ coding: [{ system: site.system, code: site.code }] }] } : {}),
  };
}

describe('classification of every imaging code in the value set', () => {
  const cases = imaging.codes.map((c) => [`${c.system}|${c.code}`, c] as const);
  it.each(cases)('%s', (_label, entry) => {
    const result = classify(serviceRequest([{ system: entry.system, code: entry.code }], entry.requiresBodySite));
    if (entry.meaning === 'not-rated') {
      expect(result.procedure).toBeUndefined();
      expect(result.reason).toMatch(/does not rate/);
    } else {
      expect(result.procedure).toBe(entry.meaning);
      expect(result.matchedBy).toMatchObject({ code: entry.code, via: 'imaging-procedures' });
    }
  });

  it('maps every rated procedure of the variant from at least one code', () => {
    const keys = new Set(imaging.codes.map((c) => c.meaning));
    for (const rating of knowledge().variant('acr-286-v8').ratings) expect(keys).toContain(rating.procedure);
  });
});

describe('codes that need a body site', () => {
  const needing = imaging.codes.filter((c) => c.requiresBodySite);

  it('exist (CPT 76882 is a generic soft-tissue US code)', () => {
    expect(needing.map((c) => c.code)).toContain('76882');
  });

  it.each(needing.map((c) => [c.code, c] as const))('%s without that body site maps to none', (_code, entry) => {
    expect(classify(serviceRequest([{ system: entry.system, code: entry.code }])).procedure).toBeUndefined();
    expect(classify(serviceRequest([{ system: entry.system, code: entry.code }], 'breast')).procedure).toBeUndefined();
  });
});

describe("a site's own order codes (config/site-order-codes.example.json)", () => {
  const site = knowledge().siteOrderCodes!;
  it.each(site.codes.map((c) => [c.code, c] as const))('%s', (_code, entry) => {
    const result = classify(serviceRequest([{ system: entry.system, code: entry.code, display: entry.display }]));
    expect(result.procedure).toBe(entry.procedure === 'not-rated' ? undefined : entry.procedure);
    expect(result.matchedBy?.via).toBe('site-order-codes');
  });

  it('wins over a standard code on the same order', () => {
    const result = classify(
      serviceRequest([
        { system: 'http://www.ama-assn.org/go/cpt', code: '77049' },
        { system: site.codes[4].system, code: site.codes[4].code },
      ]),
    );
    expect(result.procedure).toBe(site.codes[4].procedure);
  });
});

describe('order fixtures', () => {
  it.each([
    ['mri-breast-wo-w', 'mri-breast-wo-w'],
    ['us-axilla', 'us-axilla'],
    ['us-axilla-cpt-only', 'us-axilla'],
    ['mammography-diagnostic-axilla', 'mammography-diagnostic'],
    ['mammography-diagnostic-breast', 'mammography-diagnostic'],
    ['mammography-diagnostic-unspecified', 'mammography-diagnostic'],
    ['dbt-diagnostic', 'dbt-diagnostic'],
    ['fdg-pet-ct', 'fdg-pet-ct'],
    ['local-code-mri', 'mri-breast-wo-w'],
    ['local-code-pet', 'fdg-pet-ct'],
    ['mri-breast-wo', undefined],
    ['mammography-screening', undefined],
    ['mri-brain', undefined],
    ['empty-coding', undefined],
    ['medication-request-ondansetron', undefined],
  ])('%s -> %s', (name, expected) => {
    expect(classify(draftOrder(name, 'p1')).procedure).toBe(expected);
  });
});

describe('orders that map to no procedure, never to an error', () => {
  it.each([
    ['no code', { resourceType: 'ServiceRequest', id: 'x' }],
    ['code without coding', { resourceType: 'ServiceRequest', id: 'x', code: { text: 'MRI breast' } }],
    ['coding not an array', { resourceType: 'ServiceRequest', id: 'x', code: { coding: 'x' } }],
    ['an empty coding', { resourceType: 'ServiceRequest', id: 'x', code: { coding: [{}] } }],
    [
      'a coding with a numeric code',
      { resourceType: 'ServiceRequest', id: 'x', code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: 77049 }] } },
    ],
    ['a MedicationRequest', { resourceType: 'MedicationRequest', id: 'x' }],
    ['nothing at all', undefined],
  ])('%s', (_name, resource) => {
    expect(classify(resource).procedure).toBeUndefined();
  });

  it('codes that disagree (MRI without contrast beside MRI without and with)', () => {
    const result = classify(
      serviceRequest([
        { system: 'http://www.ama-assn.org/go/cpt', code: '77047' },
        { system: 'http://loinc.org', code: '36277-2' },
      ]),
    );
    expect(result.procedure).toBeUndefined();
    expect(result.reason).toMatch(/disagree/);
  });
});

describe('code-system aliases', () => {
  it('accepts the CPT OID for the CPT URI', () => {
    expect(classify(serviceRequest([{ system: 'urn:oid:2.16.840.1.113883.6.12', code: '78815' }])).procedure).toBe('fdg-pet-ct');
  });
});

interface ExpectedOrder {
  order: string;
  procedure: string | null;
  why: string;
}
const REAL_WORLD_ORDERS: ExpectedOrder[] = JSON.parse(
  require('node:fs').readFileSync(require('node:path').join(__dirname, '../../fhir-fixtures/expected-orders/real-world.json'), 'utf8'),
);

describe('orders as EHRs write them (fhir-fixtures/expected-orders)', () => {
  it.each(REAL_WORLD_ORDERS.map((e) => [e.order, e] as const))('%s', (_name, expected) => {
    const result = classify(draftOrder(expected.order, 'p1'));
    expect({ procedure: result.procedure ?? null, reason: result.reason }).toEqual({
      procedure: expected.procedure,
      reason: expect.any(String),
    });
  });

  it('a generic code gives way to a specific one only when they agree: SNOMED "MRI of breast" alone stays unrated', () => {
    expect(classify(serviceRequest([{ system: 'http://snomed.info/sct', code: '241615005' }])).procedure).toBeUndefined();
  });

  it('a generic code does not override a disagreeing specific code: "MRI of breast" beside FDG-PET/CT is unrated', () => {
    const result = classify(
      serviceRequest([
        { system: 'http://snomed.info/sct', code: '241615005' },
        { system: 'http://www.ama-assn.org/go/cpt', code: '78815' },
      ]),
    );
    expect(result.procedure).toBeUndefined();
    expect(result.reason).toMatch(/disagree/);
  });

  it('a PET/CT naming a non-FDG tracer only in a note is not rated either', () => {
    const order = {
      ...serviceRequest([{ system: 'http://www.ama-assn.org/go/cpt', code: '78815' }]),
      note: [{ text: 'Ga-68 DOTATATE PET/CT for neuroendocrine tumour' }],
    };
    expect(classify(order).procedure).toBeUndefined();
  });

  it('a PET/CT that names FDG in words stays FDG-PET/CT', () => {
    const order = {
      ...serviceRequest([{ system: 'http://www.ama-assn.org/go/cpt', code: '78815' }]),
      code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '78815' }], text: 'PET/CT FDG skull base to mid-thigh' },
    };
    expect(classify(order).procedure).toBe('fdg-pet-ct');
  });
});
