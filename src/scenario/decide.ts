import type { ClinicalFacts, ClinicalSettings } from '../facts/types';
import { KnowledgeError } from '../knowledge/errors';
import type { VariantDefinition } from '../knowledge/types';
import type { RecordType } from '../record/patient-record';

export type ExclusionReason =
  | 'male'
  | 'no-breast-cancer'
  | 'recurrence'
  | 'distant-metastasis'
  | 'node-positive'
  | 'other-histology'
  | 'small-tumour'
  | 'chemotherapy-not-started'
  | 'chemotherapy-in-progress'
  | 'progression-on-chemotherapy'
  | 'adjuvant-chemotherapy'
  | 'axillary-surgery-before-chemotherapy'
  | 'surgery-since-chemotherapy'
  | 'chemotherapy-ended-too-long-ago';

export type MissingFact =
  'confirmed-diagnosis' | 'sex' | 'initial-nodal-status' | 'axillary-biopsy-result' | 'initial-size' | 'chemotherapy-end';

export type ScenarioOutcome =
  | { status: 'applies' }
  | { status: 'does-not-apply'; reason: ExclusionReason; evidence: string[] }
  | { status: 'insufficient-data'; missing: MissingFact[] }
  /** No exclusion found, but a read the decision depends on failed: never a card built on missing data. */
  | { status: 'unreadable'; unreadable: RecordType[] };

const CHEMOTHERAPY_SOURCES: RecordType[] = [
  'Procedure',
  'MedicationAdministration',
  'MedicationRequest',
  'MedicationDispense',
  'Medication',
];
const ENDED: string[] = ['completed', 'stopped-early'];

interface Exclusion {
  holds: (facts: ClinicalFacts, settings: ClinicalSettings, variant: VariantDefinition) => string[] | undefined;
  /** An exclusion concluded from the absence of something holds only when that data was read. */
  needs: RecordType[];
}

/**
 * How each exclusion is tested. Which exclusions a variant has, and their order, come from the variant
 * file (criteria.exclusions). Presence-based exclusions (something found) need nothing else;
 * absence-based ones hold only when their data was read.
 */
export const EXCLUSION_TESTS: Record<ExclusionReason, Exclusion> = {
  male: {
    holds: (f, _s, v) =>
      f.sex.value !== 'unknown' && f.sex.value !== 'other' && !v.criteria.sex.allowed.includes(f.sex.value) ? f.sex.evidence : undefined,
    needs: [],
  },
  'no-breast-cancer': { holds: (f) => (f.breastCancer.value === 'none' ? [] : undefined), needs: ['Condition'] },
  recurrence: { holds: (f) => (f.breastCancer.value === 'recurrence' ? f.breastCancer.evidence : f.recurrence?.evidence), needs: [] },
  'distant-metastasis': { holds: (f) => f.distantMetastasis?.evidence, needs: [] },
  'node-positive': { holds: (f) => (f.initialNodes.value === 'node-positive' ? f.initialNodes.evidence : undefined), needs: [] },
  'other-histology': { holds: (f) => f.otherHistology?.evidence, needs: [] },
  // "Before chemotherapy" needs the chemotherapy records too: without them a post-treatment size could pass for the initial one.
  'small-tumour': {
    holds: (f) => (f.initialSize.value === '2cm-or-less' ? f.initialSize.evidence : undefined),
    needs: ['Observation', ...CHEMOTHERAPY_SOURCES],
  },
  'chemotherapy-not-started': { holds: (f) => (f.chemotherapy.value === 'not-started' ? [] : undefined), needs: CHEMOTHERAPY_SOURCES },
  'chemotherapy-in-progress': { holds: (f) => (f.chemotherapy.value === 'in-progress' ? f.chemotherapy.evidence : undefined), needs: [] },
  'progression-on-chemotherapy': { holds: (f) => f.chemotherapy.progression?.evidence, needs: [] },
  'adjuvant-chemotherapy': { holds: (f) => (f.chemotherapy.timing === 'adjuvant' ? f.chemotherapy.evidence : undefined), needs: [] },
  'axillary-surgery-before-chemotherapy': { holds: (f) => f.axillarySurgeryBeforeChemotherapy?.evidence, needs: [] },
  'surgery-since-chemotherapy': { holds: (f) => f.surgerySinceChemotherapy?.evidence, needs: [] },
  'chemotherapy-ended-too-long-ago': {
    holds: (f, s) =>
      ENDED.includes(f.chemotherapy.value) && f.chemotherapy.daysSinceEnd !== undefined && f.chemotherapy.daysSinceEnd > s.maxDaysSinceEnd
        ? f.chemotherapy.evidence
        : undefined,
    needs: CHEMOTHERAPY_SOURCES,
  },
};

/**
 * Checked once at start: every exclusion a variant file names must be one the engine can test.
 *
 * @throws KnowledgeError naming the variant file and the unknown reason.
 */
export function checkExclusions(variant: VariantDefinition): void {
  variant.criteria.exclusions.forEach((e, i) => {
    if (!(e.reason in EXCLUSION_TESTS)) {
      throw new KnowledgeError(
        `hooks/variants/${variant.id}.json`,
        `criteria.exclusions[${i}].reason`,
        `"${e.reason}" is not an exclusion the engine can test (${Object.keys(EXCLUSION_TESTS).join(', ')})`,
      );
    }
  });
}

/**
 * Whether the variant applies to the patient. Any exclusion found wins over missing data; missing
 * data is not a negative ("insufficient-data"); a failed read is not an empty one ("unreadable").
 *
 * @example
 * decideScenario(facts, variant, settings, record.unavailable) // { status: 'does-not-apply', reason: 'node-positive', evidence: [...] }
 */
export function decideScenario(
  facts: ClinicalFacts,
  variant: VariantDefinition,
  settings: ClinicalSettings,
  unavailable: ReadonlySet<RecordType>,
): ScenarioOutcome {
  for (const { reason } of variant.criteria.exclusions) {
    const exclusion = EXCLUSION_TESTS[reason as ExclusionReason];
    if (exclusion.needs.some((type) => unavailable.has(type))) continue;
    const evidence = exclusion.holds(facts, settings, variant);
    if (evidence) return { status: 'does-not-apply', reason: reason as ExclusionReason, evidence };
  }
  if (unavailable.size > 0) return { status: 'unreadable', unreadable: [...unavailable] };

  const missing: MissingFact[] = [];
  if (facts.breastCancer.value === 'unconfirmed') missing.push('confirmed-diagnosis');
  if (!variant.criteria.sex.allowed.includes(facts.sex.value)) missing.push('sex');
  if (facts.initialNodes.value === 'biopsy-result-unknown') missing.push('axillary-biopsy-result');
  else if (facts.initialNodes.value !== 'cN0') missing.push('initial-nodal-status');
  if (facts.initialSize.value !== 'greater-than-2cm') missing.push('initial-size');
  if (!ENDED.includes(facts.chemotherapy.value) || facts.chemotherapy.daysSinceEnd === undefined) missing.push('chemotherapy-end');
  return missing.length > 0 ? { status: 'insufficient-data', missing } : { status: 'applies' };
}
