import { codingsOf, firstTime, isoDate, ref } from './fhir-values';
import { isAsserted, isCurrent } from './conditions';
import type { StagingReading } from './staging';
import type { Fact, FactContext } from './types';

/** Distant metastasis on record: an M1 category, or a metastasis diagnosis (C78, C79 other than C79.81). */
export function distantMetastasisFact({ record, knowledge }: FactContext, staging: StagingReading[]): Fact<'present'> | undefined {
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const conditions = record.conditions.filter((c) => isAsserted(c, knowledge.statuses) && isCurrent(c, knowledge.statuses) && diagnoses.match(codingsOf(c.code))?.meaning === 'distant-metastasis');
  const m1 = staging.filter((r) => r.category === 'M' && r.value === 'M1');
  if (conditions.length === 0 && m1.length === 0) return undefined;
  const times = [...conditions.map((c) => firstTime(c.onsetDateTime, c.recordedDate)), ...m1.map((r) => r.time)].filter((t): t is number => t !== undefined);
  const detail = [...m1.map((r) => r.label), ...conditions.flatMap((c) => codingsOf(c.code).slice(0, 1).map((x) => x.code))].join(', ');
  return { value: 'present', date: isoDate(times.length ? Math.min(...times) : undefined), detail, evidence: [...m1.map((r) => r.ref), ...conditions.map(ref)] };
}
