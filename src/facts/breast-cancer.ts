import { codingsOf, codingsOfAll, firstTime, isoDate, ref, statusIn } from './fhir-values';
import { isCurrent } from './conditions';
import type { CurrentDiagnosis } from './diagnosis';
import type { BreastCancerStatus, Fact, FactContext } from './types';

/**
 * A confirmed primary breast cancer (a confirmed diagnosis counts as biopsy-proven).
 * In-situ only, secondary, refuted, entered-in-error or unconfirmed diagnoses do not count;
 * one whose clinical status is recurrence or relapse is another variant.
 */
export function breastCancerFact(ctx: FactContext, dx: CurrentDiagnosis): Fact<BreastCancerStatus> {
  const recurrent = dx.conditions.filter((c) =>
    statusIn(ctx.knowledge.statuses.condition.recurrence, codingsOf(c.clinicalStatus)[0]?.code),
  );
  if (recurrent.length > 0) return dated('recurrence', recurrent, dx);
  if (dx.conditions.length > 0) {
    // The standard code that made it a breast cancer (not a site's local code), as a clinician can look it up.
    const diagnoses = ctx.knowledge.valueSet('breast-cancer-diagnoses');
    const codes = dx.conditions.flatMap((c) => {
      const match = diagnoses.match(codingsOf(c.code));
      return match ? [`${match.coding.code} ${match.entry.display.replace(/\s*\((disorder|finding)\)$/, '')}`] : [];
    });
    return { ...dated('confirmed', dx.conditions, dx), detail: [...new Set(codes)].join(', ') };
  }
  const unknown = dx.unstated.filter((c) => isCurrent(c, ctx.knowledge.statuses));
  if (unknown.length > 0) return { ...dated('unconfirmed', unknown, dx), detail: 'verification status not recorded' };
  return { value: 'none', evidence: [] };
}

/** Breast biopsies (by code, or a biopsy of any site whose body site is the breast) and histology evidence on the diagnosis. */
export function biopsyEvidenceFact({ record, knowledge }: FactContext): Fact<'biopsy' | 'none'> {
  const biopsy = knowledge.valueSet('biopsy');
  const sites = knowledge.valueSet('body-sites');
  const procedures = record.procedures.filter((p) => {
    if (!statusIn(knowledge.statuses.procedure.performed, p.status)) return false;
    const kind = biopsy.match(codingsOf(p.code))?.meaning;
    return kind === 'breast-biopsy' || (kind === 'biopsy' && sites.matchAll(codingsOfAll(p.bodySite)).some((m) => m.meaning === 'breast'));
  });
  const histology = record.conditions.filter(
    (c) => Array.isArray(c.evidence) && c.evidence.some((e) => (e?.code ?? []).length > 0 || (e?.detail ?? []).length > 0),
  );
  const evidence = [...procedures.map(ref), ...histology.map(ref)];
  if (evidence.length === 0) return { value: 'none', evidence: [] };
  const times = procedures.map((p) => firstTime(p.performedDateTime, p.performedPeriod?.start)).filter((t): t is number => t !== undefined);
  return { value: 'biopsy', date: isoDate(times.length ? Math.min(...times) : undefined), evidence };
}

function dated<T extends string>(value: T, conditions: { resourceType: string; id?: string }[], dx: CurrentDiagnosis): Fact<T> {
  return { value, date: isoDate(dx.time), evidence: conditions.map((c) => ref(c)) };
}
