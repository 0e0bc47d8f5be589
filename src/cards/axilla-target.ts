import type { Annotation, CodeableConcept, ServiceRequest } from 'fhir/r4';
import { asArray, codingsOfAll, freeTextOf, textOf } from '../facts/fhir-values';
import type { Knowledge } from '../knowledge/knowledge';
import type { CardTemplate } from '../knowledge/types';

/**
 * Whether a breast study's order is clearly for the axilla: an axillary bodySite, or the template's words in
 * the order's name, body site, reason, notes or details. After chemotherapy a mammogram or DBT usually serves
 * the primary tumour and its clip, so anything less clear is not for the axilla.
 */
export function targetsAxilla(order: ServiceRequest, rule: NonNullable<CardTemplate['axillaTarget']>, knowledge: Knowledge): boolean {
  const sites = knowledge
    .valueSet('body-sites')
    .matchAll(codingsOfAll(order.bodySite))
    .map((m) => m.meaning);
  if (sites.some((s) => rule.bodySites.includes(s))) return true;
  // Free text only for reasons: a reason coded as "cancer of the left female breast" names the disease, not the target.
  const text = [
    textOf(order.code),
    ...asArray<CodeableConcept>(order.bodySite).map(textOf),
    ...asArray<CodeableConcept>(order.reasonCode).map(freeTextOf),
    ...asArray<Annotation>(order.note).map((n) => (typeof n?.text === 'string' ? n.text : '')),
    ...asArray<CodeableConcept>(order.orderDetail).map(freeTextOf),
  ]
    .join(' ')
    .toLowerCase();
  return rule.words.some((w) => text.includes(w.toLowerCase()));
}
