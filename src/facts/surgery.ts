import { codingsOf, dayOf, firstTime, isoDate, onOrBefore, ref, statusIn } from './fhir-values';
import type { SizeReading } from './tumour-size';
import { isPathological, type StagingReading } from './staging';
import type { FactContext } from './types';


export interface SurgeryFindings {
  /** Breast or axillary surgery dated on or before the start of chemotherapy (makes it adjuvant). */
  beforeChemotherapy: string[];
  /** Surgery, pathological staging or a specimen size after chemotherapy started (or undated). */
  sinceChemotherapy: string[];
  firstSinceDate?: string;
}

/**
 * Breast and axillary surgery relative to the start of chemotherapy. Biopsies, clips and localisation
 * are never surgery. Undated surgery counts as "since": an exclusion on record decides.
 */
export function surgeryFindings(ctx: FactContext, chemoStart: number | undefined, diagnosedAt: number | undefined, staging: StagingReading[], sizes: SizeReading[]): SurgeryFindings {
  const surgeryCodes = ctx.knowledge.valueSet('breast-axillary-surgery');
  const earliest = diagnosedAt === undefined ? undefined : dayOf(diagnosedAt) - ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const before: string[] = [];
  const since: { ref: string; time?: number }[] = [];
  for (const p of ctx.record.procedures) {
    if (!statusIn(ctx.knowledge.statuses.procedure.done, p.status) || !surgeryCodes.match(codingsOf(p.code))) continue;
    const time = firstTime(p.performedDateTime, p.performedPeriod?.start);
    // Surgery long before this diagnosis treated an earlier cancer (or a benign lesion): not this course's.
    if (time !== undefined && earliest !== undefined && dayOf(time) < earliest) continue;
    if (chemoStart !== undefined && onOrBefore(time, chemoStart)) before.push(ref(p));
    else since.push({ ref: ref(p), time });
  }
  if (chemoStart !== undefined) {
    for (const r of staging) if (isPathological(r) && !onOrBefore(r.time, chemoStart)) since.push(r);
    for (const s of sizes) if (s.fromSpecimen && !onOrBefore(s.time, chemoStart)) since.push(s);
  }
  const times = since.map((s) => s.time).filter((t): t is number => t !== undefined);
  return { beforeChemotherapy: before, sinceChemotherapy: since.map((s) => s.ref), firstSinceDate: isoDate(times.length ? Math.min(...times) : undefined) };
}
