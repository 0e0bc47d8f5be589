import type { Condition } from 'fhir/r4';
import { isAsserted } from './conditions';
import { onsetOf } from './diagnosis';
import { asArray, codingsOf, codingsOfAll, firstTime, isoDate, ref, statusIn, textOf } from './fhir-values';
import type { StagingReading } from './staging';
import type { Fact, FactContext } from './types';
import { hasProfile, SECONDARY_CANCER_PROFILE } from './mcode';

const REGIONAL_NODE_SITES = ['axilla', 'other-regional-nodes'];

/**
 * Distant metastasis on record, in any coding: a metastasis diagnosis (ICD-10-CM C77 distant nodes, C78,
 * C79 other than C79.81; SNOMED secondary neoplasms and history of metastatic cancer), a problem written as
 * metastatic breast cancer, an mCODE secondary cancer not sited in regional nodes, an M1 / stage IV in staging
 * (preliminary included), or an imaging or pathology report that says the cancer has spread to a distant site.
 * A metastasis marked resolved still counts: the patient has had distant disease.
 */
export function distantMetastasisFact(ctx: FactContext, staging: StagingReading[]): Fact<'present'> | undefined {
  const { record, knowledge } = ctx;
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const words = knowledge.text('metastaticDisease');
  const conditions = record.conditions.filter((c) => {
    if (!isAsserted(c, knowledge.statuses)) return false;
    const meaning = diagnoses.match(codingsOf(c.code))?.meaning;
    return (
      meaning === 'distant-metastasis' ||
      isDistantSecondary(c, ctx) ||
      (meaning !== 'not-the-patients-cancer' && words.test(textOf(c.code)))
    );
  });
  const m1 = staging.filter((r) => r.category === 'M' && r.value === 'M1');
  const reports = metastasisReports(ctx);
  if (conditions.length === 0 && m1.length === 0 && reports.length === 0) return undefined;
  const times = [...conditions.map(onsetOf), ...m1.map((r) => r.time), ...reports.map((r) => r.time)].filter(
    (t): t is number => t !== undefined,
  );
  const detail = [
    ...new Set([
      ...m1.map((r) => r.label),
      ...conditions.flatMap((c) =>
        codingsOf(c.code)
          .slice(0, 1)
          .map((x) => x.display ?? x.code),
      ),
      ...reports.map(() => 'report of distant metastasis'),
    ]),
  ].join(', ');
  return {
    value: 'present',
    date: isoDate(times.length ? Math.min(...times) : undefined),
    detail,
    evidence: [...new Set([...m1.map((r) => r.ref), ...conditions.map(ref), ...reports.map((r) => r.ref)])],
  };
}

/** Imaging and pathology reports whose conclusion says the cancer has spread to a distant site (negated phrases removed first). */
function metastasisReports({ record, knowledge }: FactContext): { ref: string; time?: number }[] {
  const negated = knowledge.text('biopsyResultNegative');
  const distant = knowledge.text('distantMetastasisReport');
  return record.diagnosticReports
    .filter((r) => !statusIn(knowledge.statuses.observation.withdrawn, r.status))
    .filter((r) =>
      distant.test(
        negated.strip([typeof r.conclusion === 'string' ? r.conclusion : '', ...asArray(r.conclusionCode).map(textOf)].join(' . ')),
      ),
    )
    .map((r) => ({ ref: ref(r), time: firstTime(r.effectiveDateTime, r.effectivePeriod?.start, r.issued) }));
}

/** An mCODE secondary cancer whose code the value sets do not place, and whose site is not a regional node group. */
function isDistantSecondary(c: Condition, { knowledge }: FactContext): boolean {
  if (!hasProfile(c, SECONDARY_CANCER_PROFILE)) return false;
  const meaning = knowledge.valueSet('breast-cancer-diagnoses').match(codingsOf(c.code))?.meaning;
  if (meaning === 'axillary-node-metastasis' || meaning === 'regional-node-metastasis' || meaning === 'secondary-breast') return false;
  return !knowledge
    .valueSet('body-sites')
    .matchAll(codingsOfAll(c.bodySite))
    .some((m) => REGIONAL_NODE_SITES.includes(m.meaning));
}
