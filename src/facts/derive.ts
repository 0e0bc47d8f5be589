import { biopsyEvidenceFact, breastCancerFact } from './breast-cancer';
import { chemotherapyCourse, chemotherapyFact } from './chemotherapy';
import { clippedNodeFact } from './clipped-node';
import { currentDiagnosis } from './diagnosis';
import { otherHistologyFact } from './histology';
import { initialSizeFact } from './initial-size';
import { distantMetastasisFact } from './metastasis';
import { initialNodesFact } from './nodal-status';
import { recurrenceFact } from './recurrence';
import { sexFact } from './sex';
import { stagingReadings } from './staging';
import { surgeryFindings } from './surgery';
import { sizeReadings } from './tumour-size';
import type { ClinicalFacts, FactContext } from './types';

/**
 * The patient's record as dated clinical facts, each with the resources it came from. Facts about the
 * tumour (size, T, N, histology) count only when they belong to the current diagnosis.
 *
 * @example
 * const facts = deriveFacts({ record, knowledge, variant, settings, now: Date.now() });
 * facts.initialNodes // { value: 'cN0', date: '2026-05-09', detail: 'cN0', evidence: ['Observation/x'] }
 */
export function deriveFacts(ctx: FactContext): ClinicalFacts {
  const windowDays = ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const staging = stagingReadings(ctx.record.observations, ctx.record.conditions, ctx.knowledge);
  const sizes = sizeReadings(ctx.record.observations, ctx.knowledge);
  const biopsyEvidence = biopsyEvidenceFact(ctx);
  const dx = currentDiagnosis(ctx, biopsyEvidence.value === 'biopsy');
  const course = chemotherapyCourse(ctx, dx.time);
  const surgery = surgeryFindings(ctx, course.start, dx, staging, sizes);
  const facts: ClinicalFacts = {
    sex: sexFact(ctx),
    ...(dx.side ? { side: dx.side } : {}),
    breastCancer: breastCancerFact(ctx, dx),
    biopsyEvidence,
    recurrence: recurrenceFact(ctx, dx, surgery.earlier),
    distantMetastasis: distantMetastasisFact(ctx, staging),
    otherHistology: otherHistologyFact(ctx, dx, windowDays),
    initialSize: initialSizeFact(ctx, dx, staging, sizes, course.start),
    initialNodes: initialNodesFact(ctx, dx, staging, course.start),
    chemotherapy: chemotherapyFact(ctx, course, surgery.beforeChemotherapy),
    clippedNode: clippedNodeFact(ctx, course.start),
  };
  if (course.status !== 'not-started' && surgery.axillaBeforeChemotherapy.length > 0) {
    facts.axillarySurgeryBeforeChemotherapy = { value: 'present', evidence: surgery.axillaBeforeChemotherapy };
  }
  if (course.status !== 'not-started' && surgery.sinceChemotherapy.length > 0) {
    facts.surgerySinceChemotherapy = { value: 'present', date: surgery.firstSinceDate, evidence: surgery.sinceChemotherapy };
  }
  return facts;
}
