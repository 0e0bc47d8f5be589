import type { Annotation, CodeableConcept, ServiceRequest } from 'fhir/r4';
import { asArray, codingsOfAll, freeTextOf, textOf } from '../facts/fhir-values';
import type { Knowledge } from '../knowledge/knowledge';
import type { CardTemplate } from '../knowledge/types';

/**
 * Whether a breast study's order clearly targets the breast rather than the axilla: by bodySite, or by
 * the free text of its reason, notes and details. The order's own name is not read: every mammogram's name says "breast".
 * Anything naming the axilla, or saying nothing, is not clearly the breast.
 */
export function targetsBreast(order: ServiceRequest, rule: NonNullable<CardTemplate['breastTarget']>, knowledge: Knowledge): boolean {
  const sites = knowledge.valueSet('body-sites').matchAll(codingsOfAll(order.bodySite)).map((m) => m.meaning);
  // Free text only: a reason coded as "cancer of the left female breast" names the disease, not the target.
  const text = [
    ...asArray<CodeableConcept>(order.bodySite).map(textOf),
    ...asArray<CodeableConcept>(order.reasonCode).map(freeTextOf),
    ...asArray<Annotation>(order.note).map((n) => (typeof n?.text === 'string' ? n.text : '')),
    ...asArray<CodeableConcept>(order.orderDetail).map(freeTextOf),
  ]
    .join(' ')
    .toLowerCase();
  if (sites.includes('axilla') || rule.axillaWords.some((w) => text.includes(w.toLowerCase()))) return false;
  return sites.some((s) => rule.bodySites.includes(s)) || rule.words.some((w) => text.includes(w.toLowerCase()));
}
