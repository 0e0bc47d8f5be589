import type { CodeableConcept } from 'fhir/r4';
import type { Knowledge } from '../knowledge/knowledge';
import { asArray, codingsOf, codingsOfAll, textOf } from './fhir-values';

export type Side = 'left' | 'right' | 'bilateral';

/**
 * The side a resource is on, from its codes (ICD-10-CM C50 6th character, SNOMED laterality or sided
 * body structure) or, failing that, its words. Undefined when nothing says, or when it says both ways.
 *
 * @example sideOf(knowledge, condition.code, condition.bodySite) // 'left'
 */
export function sideOf(knowledge: Knowledge, code: unknown, bodySites: unknown): Side | undefined {
  const laterality = knowledge.valueSet('laterality');
  const sites = asArray<CodeableConcept | null>(bodySites).filter((s): s is CodeableConcept => typeof s === 'object' && s !== null);
  // A laterality qualifier may ride on the body site as an extension (e.g. mCODE's laterality extension).
  const qualifiers = sites.flatMap((s) => asArray<{ valueCodeableConcept?: unknown }>(s.extension).map((e) => e?.valueCodeableConcept));
  const coded = new Set(
    laterality.matchAll([...codingsOf(code), ...codingsOfAll(sites), ...codingsOfAll(qualifiers)]).map((m) => m.meaning as Side),
  );
  if (coded.size === 1) return [...coded][0];
  if (coded.size > 1) return coded.has('bilateral') ? 'bilateral' : undefined;
  const text = [textOf(code), ...sites.map(textOf)].join(' ');
  const left = knowledge.text('leftSide').test(text);
  const right = knowledge.text('rightSide').test(text);
  if (left && right) return 'bilateral';
  return left ? 'left' : right ? 'right' : undefined;
}

/** Whether two sides could be the same breast: an unknown side, or bilateral, could be either. */
export function sameSideOrUnknown(a: Side | undefined, b: Side | undefined): boolean {
  return a === undefined || b === undefined || a === 'bilateral' || b === 'bilateral' || a === b;
}
