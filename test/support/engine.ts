import type { Bundle, FhirResource } from 'fhir/r4';
import { draftOrder, patientBundle, patientOf } from '../../fhir-fixtures/build';
import type { OrderContext } from '../../src/cds/types';
import { decide, type Decision } from '../../src/engine';
import type { ClinicalSettings } from '../../src/facts/types';
import type { Knowledge } from '../../src/knowledge/knowledge';
import { orderClassifier } from '../../src/orders/classify';
import { buildRecord, type RecordType } from '../../src/record/patient-record';
import { knowledge } from './app';

export const VARIANT = () => knowledge().variant('acr-286-v8');
export const DEFAULT_SETTINGS: ClinicalSettings = { lastDoseCompletedAfterDays: 21, maxDaysSinceEnd: 120 };

/** An order context for a patient bundle with these draft orders (all selected unless `selected` says). */
export function orderContext(bundle: Bundle, orders: string[], selected = orders): OrderContext {
  const patientId = patientOf(bundle).id as string;
  const drafts = orders.map((name) => draftOrder(name, patientId));
  return {
    userId: 'Practitioner/dr-radiology-1',
    patientId,
    selections: orders.flatMap((name, i) => (selected.includes(name) ? [`${drafts[i].resourceType}/${drafts[i].id}`] : [])),
    draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) },
  };
}

/** The engine's decision for a fixture patient, or for a bundle edited by the test. */
export function decideFor(
  patient: string | Bundle,
  orders: string[] = ['fdg-pet-ct'],
  options: { settings?: Partial<ClinicalSettings>; unavailable?: RecordType[]; now?: number; knowledge?: Knowledge } = {},
): Decision {
  const bundle = typeof patient === 'string' ? patientBundle(patient) : patient;
  const resources = (bundle.entry ?? []).map((e) => e.resource as FhirResource);
  return decide({
    record: buildRecord(resources, options.unavailable),
    context: orderContext(bundle, orders),
    knowledge: options.knowledge ?? knowledge(),
    variant: VARIANT(),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    now: options.now ?? Date.now(),
    classify: orderClassifier(knowledge()),
  });
}
