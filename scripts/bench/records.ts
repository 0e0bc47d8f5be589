/**
 * Records that grow, for the benchmark: a patient fixture with more Observations the service reads (clinical
 * staging and tumour sizes like the fixture's own, dated between the diagnosis and the start of chemotherapy)
 * and chemotherapy MedicationAdministrations (cytotoxic drugs, dated within the course), so that the outcome
 * of the hook call stays what the fixture's is.
 *
 * @example
 * const resources = grownRecord('pos-mcode', 2000, 500); // 2,000 Observations, 500 administrations
 */
import type { FhirResource, MedicationAdministration, Observation } from 'fhir/r4';
import { patientBundle, patientOf } from '../../fhir-fixtures/build';

const DAY_MS = 24 * 60 * 60 * 1000;
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
/** Cytotoxic drugs of hooks/valuesets/antineoplastic-drugs.json (an AC-T regimen). */
const DRUGS = [
  { code: '3639', display: 'doxorubicin' },
  { code: '3002', display: 'cyclophosphamide' },
  { code: '56946', display: 'paclitaxel' },
];

/** Generated records are dated relative to these days of the pos-mcode story (diagnosis -205, chemotherapy -185 to -35). */
const OBSERVATIONS_FROM_DAY = -204;
const OBSERVATIONS_TO_DAY = -187;
const DOSES_FROM_DAY = -185;
const DOSES_TO_DAY = -36;

function dayTime(now: Date, day: number, index: number): string {
  const date = new Date(now.getTime() + day * DAY_MS).toISOString().slice(0, 10);
  return `${date}T${String(8 + (index % 10)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00Z`;
}

/**
 * The patient's resources with Observations up to `observations` in all (the fixture's own first) and
 * `medicationAdministrations` chemotherapy doses added.
 */
export function grownRecord(patient: string, observations: number, medicationAdministrations: number, now = new Date()): FhirResource[] {
  const bundle = patientBundle(patient, now);
  const resources = (bundle.entry ?? []).map((e) => e.resource as FhirResource);
  const patientId = patientOf(bundle).id as string;
  const templates = resources.filter((r): r is Observation => r.resourceType === 'Observation');
  if (templates.length === 0) throw new Error(`fixture ${patient} has no Observation to grow from`);
  const added: FhirResource[] = [];
  const span = OBSERVATIONS_TO_DAY - OBSERVATIONS_FROM_DAY + 1;
  for (let i = 0; added.length < observations - templates.length; i++) {
    const template = templates[i % templates.length];
    const copy = JSON.parse(JSON.stringify(template)) as Observation;
    copy.id = `${template.id}-bench-${i}`;
    copy.effectiveDateTime = dayTime(now, OBSERVATIONS_FROM_DAY + (i % span), i);
    // Tumour sizes vary a little, all above 2 cm as the fixture's own (32 mm).
    for (const component of copy.component ?? []) {
      if (component.valueQuantity?.value !== undefined && component.code.coding?.some((c) => c.code === '33728-7'))
        component.valueQuantity.value = 25 + (i % 10);
    }
    added.push(copy);
  }
  const doseSpan = DOSES_TO_DAY - DOSES_FROM_DAY;
  for (let i = 0; i < medicationAdministrations; i++) {
    const drug = DRUGS[i % DRUGS.length];
    const day = DOSES_FROM_DAY + Math.round((i * doseSpan) / Math.max(1, medicationAdministrations - 1));
    const dose: MedicationAdministration = {
      resourceType: 'MedicationAdministration',
      id: `${patientId}-bench-dose-${i}`,
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: drug.code, display: drug.display }], text: drug.display },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: dayTime(now, day, i),
    };
    added.push(dose);
  }
  return [...resources, ...added];
}
