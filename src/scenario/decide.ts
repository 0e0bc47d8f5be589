import type { ClinicalFacts, ClinicalSettings } from '../facts/types';
import type { VariantDefinition } from '../knowledge/types';
import type { RecordType } from '../record/patient-record';

export type ExclusionReason =
  | 'male'
  | 'no-breast-cancer'
  | 'recurrence'
  | 'distant-metastasis'
  | 'node-positive'
  | 'small-tumour'
  | 'chemotherapy-not-started'
  | 'chemotherapy-in-progress'
  | 'adjuvant-chemotherapy'
  | 'surgery-since-chemotherapy'
  | 'chemotherapy-ended-too-long-ago';

export type MissingFact = 'confirmed-diagnosis' | 'sex' | 'initial-nodal-status' | 'initial-size' | 'chemotherapy-end';

export type ScenarioOutcome =
  | { status: 'applies' }
  | { status: 'does-not-apply'; reason: ExclusionReason; evidence: string[] }
  | { status: 'insufficient-data'; missing: MissingFact[] }
  /** No exclusion found, but a read the decision depends on failed: never a card built on missing data. */
  | { status: 'unreadable'; unreadable: RecordType[] };

const CHEMOTHERAPY_SOURCES: RecordType[] = ['Procedure', 'MedicationAdministration', 'MedicationRequest', 'Medication'];

interface Exclusion {
  reason: ExclusionReason;
  holds: (facts: ClinicalFacts, settings: ClinicalSettings, variant: VariantDefinition) => string[] | undefined;
  /** An exclusion concluded from the absence of something holds only when that data was read. */
  needs: RecordType[];
}

/**
 * The order exclusions are checked in; the first that holds is the reason given.
 * Presence-based exclusions (something found) need nothing else; absence-based ones need their data.
 */
const EXCLUSIONS: Exclusion[] = [
  {
    reason: 'male',
    holds: (f, _s, v) => (f.sex.value !== 'unknown' && f.sex.value !== 'other' && !v.criteria.sex.allowed.includes(f.sex.value) ? f.sex.evidence : undefined),
    needs: [],
  },
  { reason: 'no-breast-cancer', holds: (f) => (f.breastCancer.value === 'none' ? [] : undefined), needs: ['Condition'] },
  { reason: 'recurrence', holds: (f) => (f.breastCancer.value === 'recurrence' ? f.breastCancer.evidence : undefined), needs: [] },
  { reason: 'distant-metastasis', holds: (f) => f.distantMetastasis?.evidence, needs: [] },
  { reason: 'node-positive', holds: (f) => (f.initialNodes.value === 'node-positive' ? f.initialNodes.evidence : undefined), needs: [] },
  // "Before chemotherapy" needs the chemotherapy records too: without them a post-treatment size could pass for the initial one.
  { reason: 'small-tumour', holds: (f) => (f.initialSize.value === '2cm-or-less' ? f.initialSize.evidence : undefined), needs: ['Observation', ...CHEMOTHERAPY_SOURCES] },
  { reason: 'chemotherapy-not-started', holds: (f) => (f.chemotherapy.value === 'not-started' ? [] : undefined), needs: CHEMOTHERAPY_SOURCES },
  { reason: 'chemotherapy-in-progress', holds: (f) => (f.chemotherapy.value === 'in-progress' ? f.chemotherapy.evidence : undefined), needs: [] },
  { reason: 'adjuvant-chemotherapy', holds: (f) => (f.chemotherapy.timing === 'adjuvant' ? f.chemotherapy.evidence : undefined), needs: [] },
  { reason: 'surgery-since-chemotherapy', holds: (f) => f.surgerySinceChemotherapy?.evidence, needs: [] },
  {
    reason: 'chemotherapy-ended-too-long-ago',
    holds: (f, s) => (f.chemotherapy.value === 'completed' && f.chemotherapy.daysSinceEnd !== undefined && f.chemotherapy.daysSinceEnd > s.maxDaysSinceEnd ? f.chemotherapy.evidence : undefined),
    needs: CHEMOTHERAPY_SOURCES,
  },
];

/**
 * Whether the variant applies to the patient. Any exclusion found wins over missing data; missing
 * data is not a negative ("insufficient-data"); a failed read is not an empty one ("unreadable").
 *
 * @example
 * decideScenario(facts, variant, settings, record.unavailable) // { status: 'does-not-apply', reason: 'node-positive', evidence: [...] }
 */
export function decideScenario(facts: ClinicalFacts, variant: VariantDefinition, settings: ClinicalSettings, unavailable: ReadonlySet<RecordType>): ScenarioOutcome {
  for (const exclusion of EXCLUSIONS) {
    if (exclusion.needs.some((type) => unavailable.has(type))) continue;
    const evidence = exclusion.holds(facts, settings, variant);
    if (evidence) return { status: 'does-not-apply', reason: exclusion.reason, evidence };
  }
  if (unavailable.size > 0) return { status: 'unreadable', unreadable: [...unavailable] };

  const missing: MissingFact[] = [];
  if (facts.breastCancer.value === 'unconfirmed') missing.push('confirmed-diagnosis');
  if (!variant.criteria.sex.allowed.includes(facts.sex.value)) missing.push('sex');
  if (facts.initialNodes.value !== 'cN0') missing.push('initial-nodal-status');
  if (facts.initialSize.value !== 'greater-than-2cm') missing.push('initial-size');
  if (facts.chemotherapy.value !== 'completed' || facts.chemotherapy.daysSinceEnd === undefined) missing.push('chemotherapy-end');
  return missing.length > 0 ? { status: 'insufficient-data', missing } : { status: 'applies' };
}
