import type { Observation } from 'fhir/r4';
import type { Knowledge } from '../knowledge/knowledge';
import { codingsOf, firstTime, ref, statusIn } from './fhir-values';

const AJCC = 'http://cancerstaging.org';
const NOTATION = /^(yc|yp|c|p|r|a)?([TNM])(X|is|\d)/i;

export type StagingPrefix = 'c' | 'p' | 'yc' | 'yp' | 'r' | 'a' | '';

/** One TNM category read from an Observation, normalised: `category` T/N/M, `value` like "T2", "N0", "NX", "Tis". */
export interface StagingReading {
  ref: string;
  category: 'T' | 'N' | 'M';
  /** c: clinical, p: pathological, yc/yp: after neoadjuvant therapy, '': not stated. */
  prefix: StagingPrefix;
  value: string;
  /** As recorded, for display (e.g. "cT4d", "ypN0", "T2"). */
  label: string;
  time?: number;
}

/**
 * Every TNM category in the record, whatever the coding style: current SNOMED AJCC concepts,
 * legacy SNOMED findings (prefix taken from the Observation code), or AJCC strings.
 */
export function stagingReadings(observations: Observation[], knowledge: Knowledge): StagingReading[] {
  const codes = knowledge.valueSet('staging-observation-codes');
  const values = knowledge.valueSet('staging-values');
  const readings: StagingReading[] = [];
  for (const obs of observations) {
    if (!statusIn(knowledge.statuses.observation.stagingUsable, obs.status)) continue;
    const kind = codes.match(codingsOf(obs.code))?.meaning;
    if (!kind) continue;
    const [kindName, kindCategory] = kind.split(/-(?=[TNM]$)/);
    const label = valueLabel(obs, values);
    const parsed = label ? NOTATION.exec(label) : null;
    if (!label || !parsed) continue;
    const category = parsed[2].toUpperCase() as 'T' | 'N' | 'M';
    if (category !== kindCategory) continue;
    const valuePrefix = (parsed[1] ?? '').toLowerCase() as StagingPrefix;
    const prefix: StagingPrefix = valuePrefix || (kindName === 'clinical' ? 'c' : kindName === 'pathologic' ? 'p' : '');
    const rest = parsed[3].toLowerCase() === 'is' ? 'is' : parsed[3].toUpperCase();
    readings.push({ ref: ref(obs), category, prefix, value: `${category}${rest}`, label, time: firstTime(obs.effectiveDateTime, obs.effectivePeriod?.start, obs.issued) });
  }
  return readings;
}

function valueLabel(obs: Observation, values: ReturnType<Knowledge['valueSet']>): string | undefined {
  const codings = codingsOf(obs.valueCodeableConcept);
  const known = values.match(codings);
  if (known) return known.meaning;
  const ajcc = codings.find((c) => c.system === AJCC);
  if (ajcc) return ajcc.code.trim();
  return undefined;
}

/** Readings that describe the patient at diagnosis: clinical or unprefixed, never yc/yp or pathological. */
export function isInitialClinical(reading: StagingReading): boolean {
  return reading.prefix === 'c' || reading.prefix === '';
}

/** Readings that mean a surgical specimen was staged. */
export function isPathological(reading: StagingReading): boolean {
  return reading.prefix === 'p' || reading.prefix === 'yp';
}
