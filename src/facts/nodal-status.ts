import type { DiagnosticReport, Procedure, Reference } from 'fhir/r4';
import { isAsserted } from './conditions';
import { mayBelongToCurrent, belongsToCurrent, onsetOf, type CurrentDiagnosis } from './diagnosis';
import { asArray, codingsOf, codingsOfAll, firstTime, isoDate, onOrBefore, ref, statusIn, textOf } from './fhir-values';
import { isInitialClinical, relative, type StagingReading } from './staging';
import type { Fact, FactContext, InitialNodes } from './types';
import { hasProfile, SECONDARY_CANCER_PROFILE } from './mcode';
import { factFromFindings } from './finding';

const NODE_METASTASIS = ['axillary-node-metastasis', 'regional-node-metastasis'];
const REGIONAL_NODE_SITES = ['axilla', 'other-regional-nodes'];

type BiopsyResult = 'positive' | 'negative' | 'unreadable';

/**
 * Clinical nodal status at diagnosis. Node-positive (it wins) when this cancer has any N1-N3 before chemotherapy
 * (clinical or pathological; preliminary included), a regional node metastasis diagnosis, or a positive
 * node biopsy, whether the result is coded, in words, or in its pathology report. A node biopsy whose result
 * cannot be read leaves the status unknown, never cN0. Otherwise cN0 when the latest final clinical N of this
 * cancer before chemotherapy is N0. yc/yp categories describe the nodes after treatment, not at diagnosis.
 */
export function initialNodesFact(
  ctx: FactContext,
  dx: CurrentDiagnosis,
  staging: StagingReading[],
  chemoStart: number | undefined,
): Fact<InitialNodes> {
  const { record, knowledge } = ctx;
  const criteria = ctx.variant.criteria.initialNodes;
  const windowDays = ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const positives: { ref: string; time?: number; label: string }[] = [];

  for (const r of staging) {
    if (r.category !== 'N' || !criteria.positive.includes(r.value) || !mayBelongToCurrent(dx, windowDays, r)) continue;
    if ((isInitialClinical(r) || r.prefix === 'p') && (r.time === undefined || onOrBefore(r.time, chemoStart))) positives.push(r);
  }
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const sites = knowledge.valueSet('body-sites');
  for (const c of record.conditions) {
    if (!isAsserted(c, knowledge.statuses)) continue;
    const meaning = diagnoses.match(codingsOf(c.code))?.meaning;
    const regionalSecondary =
      hasProfile(c, SECONDARY_CANCER_PROFILE) &&
      sites.matchAll(codingsOfAll(c.bodySite)).some((m) => REGIONAL_NODE_SITES.includes(m.meaning));
    if ((meaning && NODE_METASTASIS.includes(meaning)) || regionalSecondary)
      positives.push({ ref: ref(c), time: onsetOf(c), label: codingsOf(c.code)[0]?.display ?? 'nodal metastasis' });
  }

  const reports = new Map(record.diagnosticReports.map((r) => [ref(r), r]));
  const linkedReports = new Set<string>();
  const unreadable: { ref: string; time?: number }[] = [];
  for (const p of record.procedures) {
    if (!statusIn(knowledge.statuses.procedure.performed, p.status) || !isNodeBiopsy(p, ctx)) continue;
    const own = asArray<Reference>(p.report)
      .map((r) => reports.get(relative(r?.reference) ?? ''))
      .filter((r): r is DiagnosticReport => r !== undefined);
    own.forEach((r) => linkedReports.add(ref(r)));
    const time = firstTime(p.performedDateTime, p.performedPeriod?.start);
    const result = biopsyResult(
      ctx,
      [p.outcome, ...own.map((r) => r.conclusionCode).flat()],
      [textOf(p.outcome), ...asArray<{ text?: string }>(p.note).map((n) => n?.text ?? ''), ...own.map((r) => r.conclusion ?? '')],
    );
    if (result === 'positive') positives.push({ ref: ref(p), time, label: 'positive axillary node biopsy' });
    else if (result === 'unreadable') unreadable.push({ ref: ref(p), time });
  }
  for (const r of record.diagnosticReports) {
    if (linkedReports.has(ref(r)) || statusIn(knowledge.statuses.observation.withdrawn, r.status)) continue;
    const words = [textOf(r.code), r.conclusion ?? '', ...asArray(r.conclusionCode).map(textOf)].join(' ');
    if (!knowledge.text('axillaSite').test(words)) continue;
    if (biopsyResult(ctx, asArray(r.conclusionCode), [r.conclusion ?? '']) === 'positive')
      positives.push({
        ref: ref(r),
        time: firstTime(r.effectiveDateTime, r.effectivePeriod?.start, r.issued),
        label: 'axillary node pathology report',
      });
  }

  if (positives.length > 0) {
    return factFromFindings('node-positive', positives, ', ');
  }
  if (unreadable.length > 0) {
    return {
      value: 'biopsy-result-unknown',
      date: isoDate(unreadable[0].time),
      detail: 'an axillary node biopsy has no result that can be read',
      evidence: unreadable.map((u) => u.ref),
    };
  }

  const clinicalN = staging.filter(
    (r) => r.category === 'N' && r.final && isInitialClinical(r) && belongsToCurrent(dx, windowDays, r) && onOrBefore(r.time, chemoStart),
  );
  const latest = clinicalN.sort((a, b) => (a.time as number) - (b.time as number))[clinicalN.length - 1];
  if (latest && criteria.negative.includes(latest.value))
    return { value: 'cN0', date: isoDate(latest.time), detail: latest.label, evidence: [latest.ref] };
  return { value: 'unknown', detail: latest ? `${latest.label} does not say` : undefined, evidence: latest ? [latest.ref] : [] };
}

/** A biopsy of an axillary (or other regional) node: by its code, or a biopsy of any kind whose body site is one. */
function isNodeBiopsy(p: Procedure, { knowledge }: FactContext): boolean {
  const kind = knowledge.valueSet('biopsy').match(codingsOf(p.code))?.meaning;
  if (kind === 'axillary-node-biopsy') return true;
  if (kind === undefined) return false;
  const sites = asArray(p.bodySite);
  return (
    knowledge
      .valueSet('body-sites')
      .matchAll(codingsOfAll(sites))
      .some((m) => REGIONAL_NODE_SITES.includes(m.meaning)) || knowledge.text('axillaSite').test(sites.map(textOf).join(' '))
  );
}

/** Positive if any code or words say tumour was found; negative if they say it was not; otherwise unreadable. */
function biopsyResult({ knowledge }: FactContext, concepts: unknown[], texts: string[]): BiopsyResult {
  const outcomes = knowledge.valueSet('procedure-outcomes');
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const codings = concepts.flatMap((c) => codingsOf(c));
  const coded = outcomes.matchAll(codings).map((m) => m.meaning);
  if (
    coded.includes('positive') ||
    diagnoses.matchAll(codings).some((m) => NODE_METASTASIS.includes(m.meaning) || m.meaning === 'distant-metastasis')
  )
    return 'positive';
  const negativeWords = knowledge.text('biopsyResultNegative');
  const text = texts.join(' . ');
  if (knowledge.text('biopsyResultPositive').test(negativeWords.strip(text))) return 'positive';
  if (coded.includes('negative') || negativeWords.test(text)) return 'negative';
  return 'unreadable';
}
