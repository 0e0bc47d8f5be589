import { isAsserted } from './conditions';
import { mayBelongToCurrent, onsetOf, type CurrentDiagnosis } from './diagnosis';
import { codingsOf, dayOf, firstTime, isoDate, onOrBefore, ref, statusIn } from './fhir-values';
import { sideOf, type Side } from './laterality';
import type { SizeReading } from './tumour-size';
import type { StagingReading } from './staging';
import type { FactContext } from './types';

export interface SurgeryFindings {
  /** Breast surgery, or a pT of this cancer, dated on or before the start of chemotherapy (makes it adjuvant). */
  beforeChemotherapy: string[];
  /** Axillary surgery only (e.g. a sentinel node biopsy, or a pN with no pT) before chemotherapy: the axilla was staged surgically. */
  axillaBeforeChemotherapy: string[];
  /** Surgery, ypT/ypN, pathological staging or a specimen size after chemotherapy started (or undated). */
  sinceChemotherapy: string[];
  firstSinceDate?: string;
  /** Breast or axillary surgery dated more than the window before this diagnosis: an earlier cancer's (a recurrence sign). */
  earlier: { ref: string; time?: number; side?: Side }[];
}

/**
 * Breast and axillary surgery relative to the start of chemotherapy, in every code system hospitals bill
 * with (CPT, ICD-10-PCS, SNOMED), and an acquired absence of the breast (Z90.1x). Biopsies, clips and
 * localisation are never surgery. ypT/ypN always means surgery after chemotherapy; a pT of this cancer dated
 * before chemotherapy means the breast surgery came first, a pN alone that the axilla was operated on first. Undated surgery counts as "since": an exclusion on record decides.
 */
export function surgeryFindings(
  ctx: FactContext,
  chemoStart: number | undefined,
  dx: CurrentDiagnosis,
  staging: StagingReading[],
  sizes: SizeReading[],
): SurgeryFindings {
  const { knowledge, record } = ctx;
  const surgeryCodes = knowledge.valueSet('breast-axillary-surgery');
  const windowDays = ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const earliest = dx.time === undefined ? undefined : dayOf(dx.time) - windowDays;
  const findings: SurgeryFindings = { beforeChemotherapy: [], axillaBeforeChemotherapy: [], sinceChemotherapy: [], earlier: [] };
  const since: { ref: string; time?: number }[] = [];
  const place = (reference: string, time: number | undefined, side: Side | undefined, breast: boolean) => {
    if (time !== undefined && earliest !== undefined && dayOf(time) < earliest) findings.earlier.push({ ref: reference, time, side });
    else if (chemoStart !== undefined && onOrBefore(time, chemoStart))
      (breast ? findings.beforeChemotherapy : findings.axillaBeforeChemotherapy).push(reference);
    else since.push({ ref: reference, time });
  };

  for (const p of record.procedures) {
    const kind = statusIn(knowledge.statuses.procedure.done, p.status) ? surgeryCodes.match(codingsOf(p.code))?.meaning : undefined;
    if (kind)
      place(
        ref(p),
        firstTime(p.performedDateTime, p.performedPeriod?.start),
        sideOf(knowledge, p.code, p.bodySite),
        kind === 'breast-surgery',
      );
  }
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  for (const c of record.conditions) {
    if (isAsserted(c, knowledge.statuses) && diagnoses.match(codingsOf(c.code))?.meaning === 'acquired-absence-of-breast')
      place(ref(c), onsetOf(c), sideOf(knowledge, c.code, c.bodySite), true);
  }
  for (const r of staging) {
    if (r.prefix === 'yp') since.push(r);
    else if (r.prefix === 'p' && mayBelongToCurrent(dx, windowDays, r)) {
      if (chemoStart !== undefined && r.time !== undefined && onOrBefore(r.time, chemoStart))
        (r.category === 'N' ? findings.axillaBeforeChemotherapy : findings.beforeChemotherapy).push(r.ref);
      else since.push(r);
    }
  }
  if (chemoStart !== undefined) {
    for (const s of sizes) if (s.fromSpecimen && !onOrBefore(s.time, chemoStart)) since.push(s);
  }
  const times = since.map((s) => s.time).filter((t): t is number => t !== undefined);
  findings.sinceChemotherapy = [...new Set(since.map((s) => s.ref))];
  findings.beforeChemotherapy = [...new Set(findings.beforeChemotherapy)];
  findings.axillaBeforeChemotherapy = [...new Set(findings.axillaBeforeChemotherapy)];
  findings.firstSinceDate = isoDate(times.length ? Math.min(...times) : undefined);
  return findings;
}
