import { isAsserted } from './conditions';
import { onsetOf, isPrimaryBreastCancer, type CurrentDiagnosis } from './diagnosis';
import { codingsOf, isoDate, ref, textOf } from './fhir-values';
import { sameSideOrUnknown, sideOf } from './laterality';
import type { Fact, FactContext } from './types';

/**
 * Signs that the current cancer is a recurrence (ACR variant 10), however the record says it: a personal
 * history of breast cancer, an earlier breast cancer in the same breast (or a side not stated), breast or
 * axillary surgery before this diagnosis, or a problem named "recurrent". Clinical status recurrence/relapse
 * is read by the breast cancer fact.
 */
export function recurrenceFact(ctx: FactContext, dx: CurrentDiagnosis, earlierSurgery: { ref: string; time?: number; side?: ReturnType<typeof sideOf> }[]): Fact<'present'> | undefined {
  const { knowledge, record } = ctx;
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const found: { ref: string; time?: number; label: string }[] = [];

  for (const c of record.conditions) {
    if (!isAsserted(c, knowledge.statuses)) continue;
    if (diagnoses.match(codingsOf(c.code))?.meaning === 'history-of-breast-cancer') found.push({ ref: ref(c), time: onsetOf(c), label: 'personal history of breast cancer' });
    else if (isPrimaryBreastCancer(c, ctx) && knowledge.text('personalHistory').test(textOf(c.code))) found.push({ ref: ref(c), time: onsetOf(c), label: 'breast cancer recorded as history' });
  }
  for (const c of dx.conditions) {
    if (knowledge.text('recurrence').test(textOf(c.code))) found.push({ ref: ref(c), time: onsetOf(c), label: 'breast cancer recorded as recurrent' });
  }
  for (const c of dx.earlier) {
    if (sameSideOrUnknown(sideOf(knowledge, c.code, c.bodySite), dx.side)) found.push({ ref: ref(c), time: onsetOf(c), label: 'earlier breast cancer in the same breast' });
  }
  for (const s of earlierSurgery) {
    if (sameSideOrUnknown(s.side, dx.side)) found.push({ ref: s.ref, time: s.time, label: 'breast or axillary surgery before this diagnosis' });
  }
  if (found.length === 0) return undefined;
  const times = found.map((f) => f.time).filter((t): t is number => t !== undefined);
  return { value: 'present', date: isoDate(times.length ? Math.min(...times) : undefined), detail: [...new Set(found.map((f) => f.label))].join('; '), evidence: [...new Set(found.map((f) => f.ref))] };
}
