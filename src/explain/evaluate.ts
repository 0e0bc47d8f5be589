import crypto from 'node:crypto';
import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';
import { renderCards } from '../cards/render';
import type { CdsCard, OrderContext } from '../cds/types';
import type { Config } from '../config/load';
import { decide, type Decision } from '../engine';
import type { ClinicalSettings } from '../facts/types';
import type { Knowledge } from '../knowledge/knowledge';
import { orderClassifier, type Classification } from '../orders/classify';
import { buildRecord, resourcesOf, type PatientRecord } from '../record/patient-record';

export interface Evaluation {
  decision: Decision;
  record: PatientRecord;
  /** Every resource of the bundle by `Type/id`, to describe the evidence. */
  resources: Map<string, FhirResource>;
  orders: { ref: string; classification: Classification }[];
  cards: CdsCard[];
}

/**
 * The engine, offline, on a FHIR Bundle exported from an EHR or a sandbox, with draft orders (all selected):
 * the same knowledge, site settings and pipeline as the service, no store and no network.
 *
 * @example
 * const result = evaluateBundle(bundle, [serviceRequest], knowledge, config);
 * result.decision.outcome // { status: 'does-not-apply', reason: 'node-positive', evidence: [...] }
 */
export function evaluateBundle(
  bundle: Bundle,
  drafts: ServiceRequest[],
  knowledge: Knowledge,
  config: Pick<Config, 'site'>,
  now = Date.now(),
): Evaluation {
  const all = resourcesOf(bundle);
  const record = buildRecord(all);
  const patientId = record.patient?.id ?? 'unknown';
  const orders = drafts.map((d) => ({
    ...d,
    id: d.id ?? crypto.randomUUID(),
    subject: d.subject ?? { reference: `Patient/${patientId}` },
  }));
  const context: OrderContext = {
    userId: 'Practitioner/offline-evaluation',
    patientId,
    selections: orders.map((o) => `ServiceRequest/${o.id}`),
    draftOrders: { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) },
  };
  const service = knowledge.services[0];
  const variant = knowledge.variant(service.variant);
  const settings: ClinicalSettings = {
    lastDoseCompletedAfterDays: config.site.lastDoseCompletedAfterDays ?? variant.criteria.chemotherapy.lastDoseCompletedAfterDays,
    maxDaysSinceEnd: config.site.maxDaysSinceEnd ?? variant.criteria.chemotherapy.maxDaysSinceEnd,
  };
  const classify = orderClassifier(knowledge);
  const decision = decide({ record, context, knowledge, variant, settings, now, classify });
  return {
    decision,
    record,
    resources: new Map(all.map((r) => [`${r.resourceType}/${r.id ?? 'unidentified'}`, r])),
    orders: orders.map((o) => ({ ref: `ServiceRequest/${o.id}`, classification: classify(o) })),
    cards: renderCards(decision, context, knowledge, config.site),
  };
}
