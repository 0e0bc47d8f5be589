import type { Knowledge } from '../knowledge/knowledge';
import type { VariantDefinition } from '../knowledge/types';
import type { PatientRecord } from '../record/patient-record';

/** A dated clinical fact and the resources it came from. */
export interface Fact<T extends string> {
  value: T;
  /** ISO date the fact refers to, when the record dates it. */
  date?: string;
  /** Free detail a clinician would want beside the value, e.g. "32 mm" or "cT2". */
  detail?: string;
  /** `Type/id` of each resource the fact rests on. */
  evidence: string[];
}

export type Sex = 'female' | 'male' | 'other' | 'unknown';
export type BreastCancerStatus = 'confirmed' | 'unconfirmed' | 'recurrence' | 'none';
export type InitialSize = 'greater-than-2cm' | '2cm-or-less' | 'unknown';
export type InitialNodes = 'cN0' | 'node-positive' | 'unknown' | 'biopsy-result-unknown';
/** `stopped-early`: ended before its plan for a stated reason other than progression; it ends the neoadjuvant treatment. */
export type ChemotherapyStatus = 'not-started' | 'in-progress' | 'completed' | 'stopped-early' | 'end-unknown';
export type ChemotherapyTiming = 'neoadjuvant' | 'adjuvant' | 'not-applicable';

export interface ChemotherapyFact extends Fact<ChemotherapyStatus> {
  start?: string;
  end?: string;
  /** Days from the end of chemotherapy to now, when the end is known. */
  daysSinceEnd?: number;
  timing: ChemotherapyTiming;
  /** The cancer progressed on chemotherapy: its stop reason, or a response observation, says so. */
  progression?: { reason: string; evidence: string[] };
}

export interface ClinicalFacts {
  sex: Fact<Sex>;
  /** The side of the current cancer, when its codes or words say it. */
  side?: 'left' | 'right' | 'bilateral';
  breastCancer: Fact<BreastCancerStatus>;
  /** Biopsy and histology evidence beside the confirmed diagnosis (listed, not required). */
  biopsyEvidence: Fact<'biopsy' | 'none'>;
  /** A personal history of breast cancer, an earlier cancer or surgery in the same breast, or a problem named recurrent. */
  recurrence?: Fact<'present'>;
  distantMetastasis?: Fact<'present'>;
  /** A breast tumour that is not a carcinoma (phyllodes tumour, sarcoma, lymphoma). */
  otherHistology?: Fact<'present'>;
  initialSize: Fact<InitialSize>;
  initialNodes: Fact<InitialNodes>;
  chemotherapy: ChemotherapyFact;
  surgerySinceChemotherapy?: Fact<'present'>;
  /** Axillary surgery only (a sentinel node biopsy, or a pN with no pT) before chemotherapy: the axilla is already staged surgically. */
  axillarySurgeryBeforeChemotherapy?: Fact<'present'>;
  clippedNode?: Fact<'present'>;
}

/** The settings of a site that tune the thresholds of the variant (defaults come from the variant file). */
export interface ClinicalSettings {
  lastDoseCompletedAfterDays: number;
  maxDaysSinceEnd: number;
}

export interface FactContext {
  record: PatientRecord;
  knowledge: Knowledge;
  /** The variant whose thresholds apply. */
  variant: VariantDefinition;
  settings: ClinicalSettings;
  now: number;
}
