import type { Bundle, FhirResource, MedicationAdministration, Observation, Procedure } from 'fhir/r4';
import { patientBundle } from '../../fhir-fixtures/build';
import { checkExclusions, decideScenario } from '../../src/scenario/decide';
import { knowledge } from '../support/app';
import { decideFor, VARIANT } from '../support/engine';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

/** A fixture bundle with resources removed (by predicate) and others added. */
function edited(name: string, drop: (r: FhirResource) => boolean, add: FhirResource[] = []): Bundle {
  const bundle = patientBundle(name);
  const entry = (bundle.entry ?? []).filter((e) => !drop(e.resource as FhirResource)).concat(add.map((resource) => ({ resource })));
  return { ...bundle, entry };
}

function resource<T extends FhirResource>(bundle: Bundle, id: string): T {
  return bundle.entry!.find((e) => e.resource?.id === id)!.resource as T;
}

function tumourSize(id: string, value: number, unit: 'mm' | 'cm', date: string, extra: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '21889-1' }] },
    subject: { reference: 'Patient/pos-mcode' },
    effectiveDateTime: date,
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '33728-7' }] },
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      },
    ],
    ...extra,
  };
}

const withoutT = (r: FhirResource) => r.id === 'pos-mcode-ct' || r.id === 'pos-mcode-size';

describe('initial size', () => {
  it('20 mm is not greater than 2 cm; 21 mm is', () => {
    expect(decideFor(edited('pos-mcode', withoutT, [tumourSize('s', 20, 'mm', daysAgo(200))])).outcome).toMatchObject({
      reason: 'small-tumour',
    });
    expect(decideFor(edited('pos-mcode', withoutT, [tumourSize('s', 21, 'mm', daysAgo(200))])).outcome.status).toBe('applies');
  });

  it('reads centimetres', () => {
    expect(decideFor(edited('pos-mcode', withoutT, [tumourSize('s', 2.1, 'cm', daysAgo(200))])).facts.initialSize).toMatchObject({
      value: 'greater-than-2cm',
      detail: '21 mm',
    });
  });

  it('ignores sizes measured after chemotherapy started (they shrink)', () => {
    const d = decideFor(edited('pos-mcode', withoutT, [tumourSize('s', 35, 'mm', daysAgo(100))]));
    expect(d.outcome).toMatchObject({ status: 'insufficient-data', missing: ['initial-size'] });
  });

  it('does not take a surgical-specimen size as the clinical size', () => {
    const d = decideFor(
      edited('pos-mcode', withoutT, [tumourSize('s', 35, 'mm', daysAgo(200), { specimen: { reference: 'Specimen/x' } })]),
    );
    expect(d.facts.initialSize.value).toBe('unknown');
  });
});

describe('initial nodal status', () => {
  const withNode = (value: object, date: string): Bundle => {
    const bundle = patientBundle('pos-mcode');
    const cn = resource<Observation>(bundle, 'pos-mcode-cn');
    cn.valueCodeableConcept = value;
    cn.effectiveDateTime = date;
    return bundle;
  };

  it('a yc value is never "at diagnosis"', () => {
    const d = decideFor(withNode({ coding: [{ system: 'http://cancerstaging.org', code: 'ycN0' }] }, daysAgo(200)));
    expect(d.outcome).toMatchObject({ status: 'insufficient-data', missing: ['initial-nodal-status'] });
  });

  it('cN0 recorded after chemotherapy started does not count as initial', () => {
    const d = decideFor(withNode({ coding: [{ system: 'http://snomed.info/sct', code: '1229967007' }] }, daysAgo(20)));
    expect(d.facts.initialNodes.value).toBe('unknown');
  });

  it('cN1 recorded after chemotherapy started is not "at diagnosis" either', () => {
    const d = decideFor(withNode({ coding: [{ system: 'http://snomed.info/sct', code: '1229973008' }] }, daysAgo(20)));
    expect(d.facts.initialNodes.value).toBe('unknown');
  });
});

describe('chemotherapy', () => {
  it('the completed-after window is a setting: with 50 days, a last dose 42 days ago is still in progress', () => {
    expect(decideFor('pos-administrations-only').outcome.status).toBe('applies');
    expect(decideFor('pos-administrations-only', ['fdg-pet-ct'], { settings: { lastDoseCompletedAfterDays: 50 } }).outcome).toMatchObject({
      reason: 'chemotherapy-in-progress',
    });
  });

  it('the ended-too-long-ago limit is a setting', () => {
    expect(decideFor('pos-mcode', ['fdg-pet-ct'], { settings: { maxDaysSinceEnd: 30 } }).outcome).toMatchObject({
      reason: 'chemotherapy-ended-too-long-ago',
    });
  });

  it('trastuzumab alone is not chemotherapy', () => {
    const bundle = edited('pos-trastuzumab-continuing', (r) => {
      const text = JSON.stringify(r);
      return (r.resourceType === 'MedicationAdministration' || r.resourceType === 'MedicationRequest') && !text.includes('224905');
    });
    expect(decideFor(bundle).outcome).toMatchObject({ reason: 'chemotherapy-not-started' });
  });

  it('records start and end dates with their evidence', () => {
    const { chemotherapy } = decideFor('pos-mcode').facts;
    expect(chemotherapy).toMatchObject({
      value: 'completed',
      start: daysAgo(185),
      end: daysAgo(35),
      timing: 'neoadjuvant',
      evidence: ['Procedure/pos-mcode-chemo'],
    });
  });

  it('a not-done chemotherapy procedure is not chemotherapy', () => {
    const bundle = patientBundle('pos-mcode');
    resource<Procedure>(bundle, 'pos-mcode-chemo').status = 'not-done';
    expect(decideFor(bundle).outcome).toMatchObject({ reason: 'chemotherapy-not-started' });
  });
});

describe('surgery since chemotherapy', () => {
  it('undated breast surgery excludes (an exclusion on record decides)', () => {
    const bundle = edited('pos-mcode', () => false, [
      {
        resourceType: 'Procedure',
        id: 'op',
        status: 'completed',
        subject: { reference: 'Patient/pos-mcode' },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '392021009' }] },
      },
    ]);
    expect(decideFor(bundle).outcome).toMatchObject({ reason: 'surgery-since-chemotherapy', evidence: ['Procedure/op'] });
  });

  it('planned surgery (status preparation) does not', () => {
    const bundle = edited('pos-mcode', () => false, [
      {
        resourceType: 'Procedure',
        id: 'op',
        status: 'preparation',
        subject: { reference: 'Patient/pos-mcode' },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '392021009' }] },
        performedDateTime: daysAgo(-10),
      },
    ]);
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });
});

describe('sex', () => {
  it('falls back to US Core birth sex when gender is unknown', () => {
    const bundle = patientBundle('pos-mcode');
    const patient = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as { gender?: string };
    patient.gender = 'unknown';
    expect(decideFor(bundle).facts.sex).toMatchObject({ value: 'female', detail: 'birth sex F' });
  });

  it('missing sex is insufficient data, not an exclusion', () => {
    const bundle = patientBundle('pos-mcode');
    const patient = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as {
      gender?: string;
      extension?: unknown[];
    };
    delete patient.gender;
    delete patient.extension;
    expect(decideFor(bundle).outcome).toMatchObject({ status: 'insufficient-data', missing: ['sex'] });
  });
});

describe('data that could not be read is unknown, never absent', () => {
  it('Procedures unreadable: a positive patient is not rated (the surgery might be there)', () => {
    expect(decideFor('pos-mcode', ['fdg-pet-ct'], { unavailable: ['Procedure'] }).outcome).toEqual({
      status: 'unreadable',
      unreadable: ['Procedure'],
    });
  });

  it('Conditions unreadable: "no breast cancer" is not concluded', () => {
    const noConditions = edited('pos-mcode', (r) => r.resourceType === 'Condition');
    expect(decideFor(noConditions).outcome).toMatchObject({ reason: 'no-breast-cancer' });
    expect(decideFor(noConditions, ['fdg-pet-ct'], { unavailable: ['Condition'] }).outcome).toEqual({
      status: 'unreadable',
      unreadable: ['Condition'],
    });
  });

  it('an exclusion found in what did arrive still decides', () => {
    expect(decideFor('neg-cn1', ['fdg-pet-ct'], { unavailable: ['Procedure'] }).outcome).toMatchObject({ reason: 'node-positive' });
    expect(decideFor('neg-lumpectomy-after-chemo', ['fdg-pet-ct'], { unavailable: ['Observation'] }).outcome).toMatchObject({
      reason: 'surgery-since-chemotherapy',
    });
  });
});

describe('findings of the clinical review', () => {
  const chemoSession = (id: string, status: Procedure['status'], day: number): Procedure => ({
    resourceType: 'Procedure',
    id,
    status,
    subject: { reference: 'Patient/pos-mcode' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '367336001' }] },
    performedDateTime: `${daysAgo(day)}T10:00:00Z`,
  });
  const withoutChemo = (r: FhirResource) => r.id === 'pos-mcode-chemo';

  it('sessions recorded one Procedure each, the last 2 days ago and one more planned: in progress', () => {
    const bundle = edited('pos-mcode', withoutChemo, [
      chemoSession('s1', 'completed', 63),
      chemoSession('s2', 'completed', 42),
      chemoSession('s3', 'completed', 21),
      chemoSession('s4', 'completed', 2),
      chemoSession('s5', 'preparation', -19),
    ]);
    expect(decideFor(bundle).outcome).toMatchObject({ reason: 'chemotherapy-in-progress' });
  });

  it('sessions recorded one Procedure each, the last 30 days ago and none planned: completed', () => {
    const bundle = edited('pos-mcode', withoutChemo, [
      chemoSession('s1', 'completed', 93),
      chemoSession('s2', 'completed', 72),
      chemoSession('s3', 'completed', 51),
      chemoSession('s4', 'completed', 30),
    ]);
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });

  it('a recorded end of the course is not overridden by its own last dose', () => {
    const bundle = patientBundle('pos-mcode');
    const chemo = resource<Procedure>(bundle, 'pos-mcode-chemo');
    chemo.performedPeriod = { start: daysAgo(150), end: daysAgo(10) };
    const lastDose: MedicationAdministration = {
      resourceType: 'MedicationAdministration',
      id: 'last-dose',
      status: 'completed',
      subject: { reference: 'Patient/pos-mcode' },
      effectiveDateTime: `${daysAgo(10)}T10:00:00Z`,
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '56946' }] },
    };
    bundle.entry!.push({ resource: lastDose });
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });

  it('a lumpectomy of the same breast years before this diagnosis does not make chemotherapy adjuvant: it makes this cancer a recurrence', () => {
    const old: Procedure = {
      resourceType: 'Procedure',
      id: 'old-op',
      status: 'completed',
      subject: { reference: 'Patient/pos-mcode' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '392021009' }] },
      bodySite: [{ coding: [{ system: 'http://snomed.info/sct', code: '80248007' }] }],
      performedDateTime: daysAgo(12 * 365),
    };
    const d = decideFor(edited('pos-mcode', () => false, [old]));
    expect(d.outcome).toEqual({ status: 'does-not-apply', reason: 'recurrence', evidence: ['Procedure/old-op'] });
    expect(d.facts.chemotherapy.timing).toBe('neoadjuvant');
  });

  it('a lumpectomy of the other breast years before this diagnosis is neither adjuvant nor a recurrence of this cancer', () => {
    const old: Procedure = {
      resourceType: 'Procedure',
      id: 'old-op',
      status: 'completed',
      subject: { reference: 'Patient/pos-mcode' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '392021009' }] },
      bodySite: [{ coding: [{ system: 'http://snomed.info/sct', code: '73056007' }] }],
      performedDateTime: daysAgo(12 * 365),
    };
    expect(decideFor(edited('pos-mcode', () => false, [old])).outcome.status).toBe('applies');
  });

  it('chemotherapy for an earlier cancer does not move the start of this course', () => {
    const oldDose: MedicationAdministration = {
      resourceType: 'MedicationAdministration',
      id: 'old-dox',
      status: 'completed',
      subject: { reference: 'Patient/pos-mcode' },
      effectiveDateTime: `${daysAgo(3650)}T10:00:00Z`,
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '3639' }] },
    };
    const d = decideFor(edited('pos-mcode', () => false, [oldDose]));
    expect(d.facts.chemotherapy.start).toBe(daysAgo(185));
    expect(d.outcome.status).toBe('applies');
  });

  it('staging on the day chemotherapy starts counts as before it (dates compare by day)', () => {
    const bundle = patientBundle('pos-mcode');
    resource<Procedure>(bundle, 'pos-mcode-chemo').performedPeriod = { start: daysAgo(200), end: daysAgo(35) };
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });

  it('a diagnosis with no verificationStatus is confirmed by a biopsy on record', () => {
    const bundle = patientBundle('pos-mcode');
    delete (resource<FhirResource>(bundle, 'pos-mcode-dx') as { verificationStatus?: unknown }).verificationStatus;
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });

  it('a diagnosis with no verificationStatus and no biopsy is insufficient data, not "no cancer"', () => {
    const bundle = edited('pos-mcode', (r) => r.id === 'pos-mcode-biopsy');
    const dx = resource<FhirResource>(bundle, 'pos-mcode-dx') as { verificationStatus?: unknown; evidence?: unknown };
    delete dx.verificationStatus;
    delete dx.evidence;
    expect(decideFor(bundle).outcome).toMatchObject({ status: 'insufficient-data', missing: ['confirmed-diagnosis'] });
  });

  it('a pathological N1 before chemotherapy makes her node-positive', () => {
    const pN1: Observation = {
      resourceType: 'Observation',
      id: 'pn1',
      status: 'final',
      subject: { reference: 'Patient/pos-mcode' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '371494008' }] },
      valueCodeableConcept: { coding: [{ system: 'http://cancerstaging.org', code: 'pN1' }] },
      effectiveDateTime: daysAgo(190),
    };
    expect(decideFor(edited('pos-mcode', () => false, [pN1])).outcome).toMatchObject({
      reason: 'node-positive',
      evidence: ['Observation/pn1'],
    });
  });

  it('preliminary staging is not used, as hooks/record-statuses.json says; listing it there changes that', () => {
    const bundle = patientBundle('pos-mcode');
    resource<Observation>(bundle, 'pos-mcode-cn').status = 'preliminary';
    expect(decideFor(bundle).outcome).toMatchObject({ status: 'insufficient-data', missing: ['initial-nodal-status'] });
    const base = knowledge();
    const statuses = {
      ...base.statuses,
      observation: { ...base.statuses.observation, stagingUsable: [...base.statuses.observation.stagingUsable, 'preliminary'] },
    };
    const edited = Object.assign(Object.create(Object.getPrototypeOf(base)), base, { statuses });
    expect(decideFor(bundle, ['fdg-pet-ct'], { knowledge: edited }).outcome.status).toBe('applies');
  });

  it('when chemotherapy records cannot be read, a T1 is not taken as the size at diagnosis', () => {
    const bundle = edited('neg-ct1', (r) => r.resourceType === 'Procedure');
    expect(decideFor(bundle, ['fdg-pet-ct'], { unavailable: ['Procedure'] }).outcome.status).toBe('unreadable');
  });

  it('odd shapes where FHIR has lists do not break the engine', () => {
    const bundle = patientBundle('pos-mcode');
    (resource<FhirResource>(bundle, 'pos-mcode') as { extension?: unknown; gender?: string }).extension = { url: 'x' };
    (resource<FhirResource>(bundle, 'pos-mcode') as { gender?: string }).gender = 'unknown';
    (resource<Observation>(bundle, 'pos-mcode-size') as { component?: unknown }).component = { code: 'x' };
    (resource<Procedure>(bundle, 'pos-mcode-chemo') as { performedPeriod?: unknown }).performedPeriod = 'yesterday';
    expect(() => decideFor(bundle)).not.toThrow();
  });
});

describe('exclusions come from the variant file', () => {
  it('their order decides the reason given', () => {
    // With a 30-day limit, neg-cm1 is excluded twice: distant metastasis, and chemotherapy ended too long ago.
    const settings = { lastDoseCompletedAfterDays: 21, maxDaysSinceEnd: 30 };
    const { facts } = decideFor('neg-cm1', ['fdg-pet-ct'], { settings });
    expect(decideScenario(facts, VARIANT(), settings, new Set())).toMatchObject({ reason: 'distant-metastasis' });
    const reversed = { ...VARIANT(), criteria: { ...VARIANT().criteria, exclusions: [...VARIANT().criteria.exclusions].reverse() } };
    expect(decideScenario(facts, reversed, settings, new Set())).toMatchObject({ reason: 'chemotherapy-ended-too-long-ago' });
  });

  it('an exclusion the engine cannot test stops the start, naming the file', () => {
    const variant = {
      ...VARIANT(),
      criteria: {
        ...VARIANT().criteria,
        exclusions: [...VARIANT().criteria.exclusions, { reason: 'pregnant', description: 'x', source: 'x' }],
      },
    };
    const index = VARIANT().criteria.exclusions.length;
    expect(() => checkExclusions(variant)).toThrow(
      `hooks/variants/acr-286-v8.json, field criteria.exclusions[${index}].reason: "pregnant"`,
    );
  });
});
