import type { ServiceRequest } from 'fhir/r4';
import { codingsOfAll, textOf } from '../facts/fhir-values';
import type { Knowledge } from '../knowledge/knowledge';
import type { CardTemplate } from '../knowledge/types';

/**
 * Whether a breast study's order clearly targets the breast rather than the axilla: by bodySite, or by
 * the words of its reason and notes. The order's own name is not read: every mammogram's name says "breast".
 * Anything naming the axilla, or saying nothing, is not clearly the breast.
 */
export function targetsBreast(order: ServiceRequest, rule: NonNullable<CardTemplate['breastTarget']>, knowledge: Knowledge): boolean {
  const sites = knowledge.valueSet('body-sites').matchAll(codingsOfAll(order.bodySite)).map((m) => m.meaning);
  const text = [
    ...(order.bodySite ?? []).map(textOf),
    ...(order.reasonCode ?? []).map(textOf),
    ...(order.reasonReference ?? []).map((r) => (typeof r?.display === 'string' ? r.display : '')),
    ...(order.note ?? []).map((n) => (typeof n?.text === 'string' ? n.text : '')),
    ...(order.orderDetail ?? []).map(textOf),
  ]
    .join(' ')
    .toLowerCase();
  if (sites.includes('axilla') || rule.axillaWords.some((w) => text.includes(w.toLowerCase()))) return false;
  return sites.some((s) => rule.bodySites.includes(s)) || rule.words.some((w) => text.includes(w.toLowerCase()));
}
