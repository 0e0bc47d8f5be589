import type { Bundle, Condition, FhirResource, MedicationRequest, Observation, Procedure } from 'fhir/r4';
import { patientBundle } from '../../fhir-fixtures/build';
import { toTime } from '../../src/facts/fhir-values';
import { decideFor } from '../support/engine';

/** Edge cases of the real-world rules (issue 8), each on the tidy variant-8 patient with one thing changed. */
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
const SUBJECT = { reference: 'Patient/pos-mcode' };
const SCT = 'http://snomed.info/sct';

function withResources(add: FhirResource[], drop: (r: FhirResource) => boolean = () => false, name = 'pos-mcode'): Bundle {
  const bundle = patientBundle(name);
  return {
    ...bundle,
    entry: (bundle.entry ?? []).filter((e) => !drop(e.resource as FhirResource)).concat(add.map((resource) => ({ resource }))),
  };
}

function nodeBiopsy(extra: Partial<Procedure>): Procedure {
  return {
    resourceType: 'Procedure',
    id: 'node-biopsy',
    status: 'completed',
    subject: SUBJECT,
    code: { coding: [{ system: SCT, code: '9911007', display: 'Core needle biopsy' }] },
    bodySite: [{ text: 'Left axilla' }],
    performedDateTime: daysAgo(198),
    ...extra,
  };
}

function condition(id: string, code: { system: string; code: string; display?: string }, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id,
    subject: SUBJECT,
    code: { coding: [code] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    recordedDate: daysAgo(300),
    ...extra,
  };
}

describe('dates compare on the local date as written', () => {
  it('23:30 at -05:00 on 1 March is 1 March, although it is 2 March in UTC', () => {
    expect(toTime('2025-03-01T23:30:00-05:00')).toBe(Date.UTC(2025, 2, 1));
    expect(toTime('2025-03-01')).toBe(Date.UTC(2025, 2, 1));
    expect(toTime('2025-03')).toBe(Date.UTC(2025, 2, 1));
  });

  it('impossible dates are no dates', () => {
    expect(toTime('2025-13-01')).toBeUndefined();
    expect(toTime('2025-02-30')).toBeUndefined();
    expect(toTime('yesterday')).toBeUndefined();
  });
});

describe('a node biopsy result read from words', () => {
  it.each([
    ['Metastatic carcinoma, consistent with breast primary', 'does-not-apply'],
    ['No atypia in the core. Lymph node with metastatic ductal carcinoma.', 'does-not-apply'],
    ['Negative for metastatic carcinoma (0/1)', 'applies'],
    ['Benign reactive lymph node', 'applies'],
    ['See pathology report', 'insufficient-data'],
  ])('outcome text "%s": %s', (text, status) => {
    expect(decideFor(withResources([nodeBiopsy({ outcome: { text } })])).outcome.status).toBe(status);
  });

  it('a pathology report the biopsy points to decides, by its conclusion', () => {
    const report: FhirResource = {
      resourceType: 'DiagnosticReport',
      id: 'path-1',
      status: 'final',
      subject: SUBJECT,
      code: { text: 'Surgical pathology' },
      conclusion: 'Left axillary lymph node, core biopsy: metastatic carcinoma.',
    };
    const d = decideFor(withResources([nodeBiopsy({ report: [{ reference: 'DiagnosticReport/path-1' }] }), report]));
    expect(d.outcome).toMatchObject({ status: 'does-not-apply', reason: 'node-positive' });
  });

  it('a positive biopsy of a supraclavicular node (a regional N3 site) is node-positive', () => {
    const d = decideFor(
      withResources([
        nodeBiopsy({ bodySite: [{ coding: [{ system: SCT, code: '245265003' }] }], outcome: { text: 'Metastatic carcinoma' } }),
      ]),
    );
    expect(d.outcome).toMatchObject({ status: 'does-not-apply', reason: 'node-positive' });
  });

  it('a biopsy of the breast with a positive result is not a node biopsy', () => {
    const d = decideFor(
      withResources([nodeBiopsy({ bodySite: [{ text: "Left breast, 2 o'clock" }], outcome: { text: 'Invasive ductal carcinoma' } })]),
    );
    expect(d.outcome.status).toBe('applies');
  });
});

describe('recurrence, however it is written', () => {
  it("a family history of breast cancer is not the patient's own (Z80.3 and its text)", () => {
    const d = decideFor(
      withResources([
        condition(
          'fh',
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z80.3' },
          {
            code: {
              coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z80.3' }],
              text: 'Family history of breast cancer (mother)',
            },
          },
        ),
      ]),
    );
    expect(d.outcome.status).toBe('applies');
  });

  it('a breast cancer problem written as history is a recurrence sign', () => {
    const d = decideFor(
      withResources([
        condition(
          'hx',
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C50.912' },
          {
            code: {
              coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C50.912' }],
              text: 'History of left breast cancer, s/p lumpectomy 2015',
            },
            clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
            onsetDateTime: daysAgo(3650),
          },
        ),
      ]),
    );
    expect(d.outcome).toMatchObject({ status: 'does-not-apply', reason: 'recurrence' });
  });

  it('an earlier cancer of the OTHER breast is not a recurrence of this one', () => {
    const old = condition(
      'old-right',
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C50.411' },
      {
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
        onsetDateTime: daysAgo(2600),
      },
    );
    expect(decideFor(withResources([old])).outcome.status).toBe('applies');
  });

  it('an earlier cancer whose side is not recorded counts as the same breast', () => {
    const old = condition(
      'old',
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C50.919' },
      {
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
        onsetDateTime: daysAgo(2600),
      },
    );
    expect(decideFor(withResources([old])).outcome).toMatchObject({
      status: 'does-not-apply',
      reason: 'recurrence',
      evidence: ['Condition/old'],
    });
  });
});

describe('staging in words and links', () => {
  const noStaging = (r: FhirResource) => r.resourceType === 'Observation';

  it('"T2N0M0" written without spaces in Condition.stage is read', () => {
    const bundle = withResources([], noStaging);
    const dx = bundle.entry!.find((e) => e.resource?.id === 'pos-mcode-dx')!.resource as Condition;
    dx.stage = [{ summary: { text: 'Stage IIA T2N0M0' }, type: { coding: [{ system: SCT, code: '260998006' }] } }];
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });

  it('a stage that says "stage IV" in words is distant metastasis', () => {
    const bundle = withResources([]);
    const dx = bundle.entry!.find((e) => e.resource?.id === 'pos-mcode-dx')!.resource as Condition;
    dx.stage = [{ summary: { text: 'Stage IV' } }];
    expect(decideFor(bundle).outcome).toMatchObject({ status: 'does-not-apply', reason: 'distant-metastasis' });
  });

  it('a cT2 tied by focus to an earlier cancer does not make this cancer > 2 cm, even when dated inside the window', () => {
    const old = condition(
      'old-right',
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C50.411' },
      {
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
        onsetDateTime: daysAgo(2600),
      },
    );
    const oldT: Observation = {
      resourceType: 'Observation',
      id: 'old-ct',
      status: 'final',
      subject: SUBJECT,
      focus: [{ reference: 'Condition/old-right' }],
      code: { coding: [{ system: SCT, code: '399504009' }] },
      valueCodeableConcept: { coding: [{ system: SCT, code: '1228929004' }] },
      effectiveDateTime: daysAgo(200),
    };
    const d = decideFor(withResources([old, oldT], (r) => r.id === 'pos-mcode-ct' || r.id === 'pos-mcode-size'));
    expect(d.facts.initialSize.value).toBe('unknown');
  });

  it('a preliminary cN0 does not show the patient is node-negative', () => {
    const bundle = withResources([]);
    (bundle.entry!.find((e) => e.resource?.id === 'pos-mcode-cn')!.resource as Observation).status = 'preliminary';
    expect(decideFor(bundle).outcome).toEqual({ status: 'insufficient-data', missing: ['initial-nodal-status'] });
  });
});

describe('why chemotherapy stopped', () => {
  function stoppedRequest(statusReason?: MedicationRequest['statusReason']): MedicationRequest {
    return {
      resourceType: 'MedicationRequest',
      id: 'pac',
      status: 'stopped',
      intent: 'order',
      subject: SUBJECT,
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '56946' }] },
      authoredOn: daysAgo(100),
      ...(statusReason ? { statusReason } : {}),
    };
  }

  it('stopped with no reason (as Synthea writes every ended order) is an ordinary end, not "stopped early"', () => {
    expect(decideFor(withResources([stoppedRequest()])).facts.chemotherapy.value).toBe('completed');
  });

  it('stopped because surgery is next (THO "surg") ends the course early; the patient still fits', () => {
    const d = decideFor(
      withResources([
        stoppedRequest({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason', code: 'surg' }] }),
      ]),
    );
    expect(d.outcome.status).toBe('applies');
    expect(d.facts.chemotherapy.value).toBe('stopped-early');
  });

  it('stopped for "no response to treatment" is progression: no card', () => {
    const d = decideFor(withResources([stoppedRequest({ coding: [{ system: SCT, code: '266721009' }] })]));
    expect(d.outcome).toMatchObject({
      status: 'does-not-apply',
      reason: 'progression-on-chemotherapy',
      evidence: ['MedicationRequest/pac'],
    });
  });

  it('"no evidence of disease progression" in a stop reason is not progression, and "course completed" is not an early stop', () => {
    const d = decideFor(withResources([stoppedRequest({ text: 'Course completed; no evidence of disease progression' })]));
    expect(d.outcome.status).toBe('applies');
    expect(d.facts.chemotherapy.value).toBe('completed');
  });

  it('an endocrine drug stopped for progression is not chemotherapy progression', () => {
    const letrozole: MedicationRequest = {
      ...stoppedRequest({ coding: [{ system: SCT, code: '266721009' }] }),
      id: 'let',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '72965' }] },
    };
    expect(decideFor(withResources([letrozole])).outcome.status).toBe('applies');
  });
});

describe('records EHRs send that are malformed', () => {
  it('a null inside a bodySite list is ignored (found by the fuzz test)', () => {
    const bundle = withResources([]);
    (bundle.entry!.find((e) => e.resource?.id === 'pos-mcode-dx')!.resource as unknown as { bodySite: unknown[] }).bodySite = [null];
    expect(decideFor(bundle).outcome.status).toBe('applies');
  });
});
