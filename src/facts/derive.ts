import { biopsyEvidenceFact, breastCancerFact } from './breast-cancer';
import { chemotherapyCourse, chemotherapyFact } from './chemotherapy';
import { clippedNodeFact } from './clipped-node';
import { initialSizeFact } from './initial-size';
import { distantMetastasisFact } from './metastasis';
import { initialNodesFact } from './nodal-status';
import { sexFact } from './sex';
import { stagingReadings } from './staging';
import { surgeryFindings } from './surgery';
import { sizeReadings } from './tumour-size';
import { toTime } from './fhir-values';
import type { ClinicalFacts, FactContext } from './types';

/**
 * The patient's record as dated clinical facts, each with the resources it came from.
 *
 * @example
 * const facts = deriveFacts({ record, knowledge, settings, now: Date.now() });
 * facts.initialNodes // { value: 'cN0', date: '2026-05-09', detail: 'cN0', evidence: ['Observation/x'] }
 */
export function deriveFacts(ctx: FactContext): ClinicalFacts {
  const staging = stagingReadings(ctx.record.observations, ctx.knowledge);
  const sizes = sizeReadings(ctx.record.observations, ctx.knowledge);
  const breastCancer = breastCancerFact(ctx);
  const diagnosedAt = toTime(breastCancer.date);
  const course = chemotherapyCourse(ctx, diagnosedAt);
  const surgery = surgeryFindings(ctx, course.start, diagnosedAt, staging, sizes);
  const facts: ClinicalFacts = {
    sex: sexFact(ctx),
    breastCancer,
    biopsyEvidence: biopsyEvidenceFact(ctx),
    distantMetastasis: distantMetastasisFact(ctx, staging),
    initialSize: initialSizeFact(ctx, staging, sizes, course.start),
    initialNodes: initialNodesFact(ctx, staging, course.start),
    chemotherapy: chemotherapyFact(ctx, course, surgery.beforeChemotherapy),
    clippedNode: clippedNodeFact(ctx, course.start),
  };
  if (course.status !== 'not-started' && surgery.sinceChemotherapy.length > 0) {
    facts.surgerySinceChemotherapy = { value: 'present', date: surgery.firstSinceDate, evidence: surgery.sinceChemotherapy };
  }
  return facts;
}

