import { isAsserted } from './conditions';
import { onsetOf, isPrimaryBreastCancer, type CurrentDiagnosis } from './diagnosis';
import { codingsOf, ref, textOf } from './fhir-values';
import { sameSideOrUnknown, sideOf, type Side } from './laterality';
import type { Fact, FactContext } from './types';
import { factFromFindings } from './finding';

/**
 * Signs that the current cancer is a recurrence (ACR variant 10), however the record says it: a personal
 * history of breast cancer, an earlier breast cancer in the same breast (or a side not stated), breast or
 * axillary surgery before this diagnosis, or a problem named "recurrent". A history that names no side counts
 * unless an earlier cancer or operation of the other breast on record explains it. Clinical status recurrence/relapse
 * is read by the breast cancer fact.
 */
export function recurrenceFact(
  ctx: FactContext,
  dx: CurrentDiagnosis,
  earlierSurgery: { ref: string; time?: number; side?: Side }[],
): Fact<'present'> | undefined {
  const { knowledge, record } = ctx;
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const found: { ref: string; time?: number; label: string }[] = [];
  const earlierCancers = dx.earlier.map((c) => ({ ref: ref(c), time: onsetOf(c), side: sideOf(knowledge, c.code, c.bodySite) }));
  // A history with no side is explained by an earlier cancer or operation of the OTHER breast on record (a new
  // contralateral primary fits variant 8); without one, it may be this breast's, and counts.
  const otherBreastHistory = [...earlierCancers, ...earlierSurgery].some((e) => !sameSideOrUnknown(e.side, dx.side));
  const countsAsThisBreast = (side: Side | undefined) => (side === undefined ? !otherBreastHistory : sameSideOrUnknown(side, dx.side));

  for (const c of record.conditions) {
    if (!isAsserted(c, knowledge.statuses) || dx.conditions.includes(c)) continue;
    const side = sideOf(knowledge, c.code, c.bodySite);
    if (diagnoses.match(codingsOf(c.code))?.meaning === 'history-of-breast-cancer') {
      if (countsAsThisBreast(side)) found.push({ ref: ref(c), time: onsetOf(c), label: 'personal history of breast cancer' });
    } else if (isPrimaryBreastCancer(c, ctx) && knowledge.text('personalHistory').test(textOf(c.code)) && countsAsThisBreast(side)) {
      found.push({ ref: ref(c), time: onsetOf(c), label: 'breast cancer recorded as history' });
    }
  }
  for (const c of dx.conditions) {
    if (knowledge.text('recurrence').test(textOf(c.code)))
      found.push({ ref: ref(c), time: onsetOf(c), label: 'breast cancer recorded as recurrent' });
    else if (knowledge.text('personalHistory').test(textOf(c.code)))
      found.push({ ref: ref(c), time: onsetOf(c), label: 'breast cancer recorded as history' });
  }
  for (const e of earlierCancers)
    if (sameSideOrUnknown(e.side, dx.side)) found.push({ ...e, label: 'earlier breast cancer in the same breast' });
  for (const s of earlierSurgery)
    if (sameSideOrUnknown(s.side, dx.side)) found.push({ ...s, label: 'breast or axillary surgery before this diagnosis' });
  if (found.length === 0) return undefined;
  return factFromFindings('present', found, '; ');
}
