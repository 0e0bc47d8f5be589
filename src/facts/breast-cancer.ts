import { codingsOf, firstTime, isoDate, ref, statusIn } from './fhir-values';
import { isCurrent, statusCode } from './conditions';
import type { BreastCancerStatus, Fact, FactContext } from './types';

const PRIMARY_MEANINGS = ['breast-cancer-female', 'breast-cancer', 'breast-cancer-male'];

/**
 * A confirmed primary breast cancer (a confirmed diagnosis counts as biopsy-proven).
 * In-situ only, secondary, refuted, entered-in-error or unconfirmed diagnoses do not count;
 * a recurrence is another variant.
 */
export function breastCancerFact(ctx: FactContext): Fact<BreastCancerStatus> {
  const { record, knowledge } = ctx;
  const { statuses } = knowledge;
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const primary = record.conditions.filter((c) => {
    const meaning = diagnoses.match(codingsOf(c.code))?.meaning;
    return meaning !== undefined && PRIMARY_MEANINGS.includes(meaning);
  });
  // US Core makes verificationStatus optional: an unstated one is confirmed by a biopsy or histology on record, else unknown.
  const unstated = primary.filter((c) => statusCode(c.verificationStatus) === undefined);
  const proven = unstated.length > 0 && biopsyEvidenceFact(ctx).value === 'biopsy';
  const confirmed = primary.filter((c) => statusIn(statuses.condition.confirmed, statusCode(c.verificationStatus)) || (proven && unstated.includes(c)));
  const recurrent = confirmed.filter((c) => statusIn(statuses.condition.recurrence, statusCode(c.clinicalStatus)));
  if (recurrent.length > 0) return dated('recurrence', recurrent);
  const current = confirmed.filter((c) => isCurrent(c, statuses));
  if (current.length > 0) {
    const codes = current.flatMap((c) => codingsOf(c.code).slice(0, 1).map((coding) => coding.code));
    return { ...dated('confirmed', current), detail: [...new Set(codes)].join(', ') };
  }
  const unknown = unstated.filter((c) => isCurrent(c, statuses));
  if (unknown.length > 0) return { ...dated('unconfirmed', unknown), detail: 'verification status not recorded' };
  return { value: 'none', evidence: [] };
}

/** Breast biopsies and histology evidence on the diagnosis, listed beside it. */
export function biopsyEvidenceFact({ record, knowledge }: FactContext): Fact<'biopsy' | 'none'> {
  const biopsy = knowledge.valueSet('biopsy');
  const procedures = record.procedures.filter((p) => statusIn(knowledge.statuses.procedure.performed, p.status) && biopsy.match(codingsOf(p.code))?.meaning === 'breast-biopsy');
  const histology = record.conditions.filter((c) => Array.isArray(c.evidence) && c.evidence.some((e) => (e?.code ?? []).length > 0 || (e?.detail ?? []).length > 0));
  const evidence = [...procedures.map(ref), ...histology.map(ref)];
  if (evidence.length === 0) return { value: 'none', evidence: [] };
  const times = procedures.map((p) => firstTime(p.performedDateTime, p.performedPeriod?.start)).filter((t): t is number => t !== undefined);
  return { value: 'biopsy', date: isoDate(times.length ? Math.min(...times) : undefined), evidence };
}

function dated<T extends string>(value: T, conditions: { onsetDateTime?: string; onsetPeriod?: { start?: string }; recordedDate?: string; resourceType: string; id?: string }[]): Fact<T> {
  const times = conditions.map((c) => firstTime(c.onsetDateTime, c.onsetPeriod?.start, c.recordedDate)).filter((t): t is number => t !== undefined);
  return { value, date: isoDate(times.length ? Math.min(...times) : undefined), evidence: conditions.map((c) => ref(c as { resourceType: string; id?: string })) };
}
