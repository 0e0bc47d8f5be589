import type { Condition, Observation, Reference } from 'fhir/r4';
import type { Knowledge } from '../knowledge/knowledge';
import type { ValueSetIndex } from '../knowledge/value-set-index';
import { asArray, codingsOf, firstTime, ref, statusIn, textOf } from './fhir-values';

const AJCC = 'http://cancerstaging.org';
const NOTATION = /^(yc|yp|c|p|r|a)?([TNM])(X|is|\d)/i;
/** TNM categories inside free text such as "cT2 cN0 cM0", "T2N0M0" or "ypT1c ypN0(i-)" (AJCC notation). */
const TNM_IN_TEXT = /(?<![A-Za-z])([yY][cCpP]|[cCpPrRaA])?([TNM])([Xx]|is|IS|[0-4])(mi|[a-dA-D])?/g;

export type StagingPrefix = 'c' | 'p' | 'yc' | 'yp' | 'r' | 'a' | '';

/** One TNM category read from the record, normalised: `category` T/N/M, `value` like "T2", "N0", "NX", "Tis", "M1". */
export interface StagingReading {
  ref: string;
  category: 'T' | 'N' | 'M';
  /** c: clinical, p: pathological, yc/yp: after neoadjuvant therapy, '': not stated. */
  prefix: StagingPrefix;
  value: string;
  /** As recorded, for display (e.g. "cT4d", "ypN0", "T2", "stage IV"). */
  label: string;
  time?: number;
  /** final, amended or corrected: a reading that may show the patient fits. Preliminary ones can only exclude. */
  final: boolean;
  /** `Condition/<id>` of the cancers it is tied to (Observation.focus, Condition.stage, stage.assessment, a panel's hasMember). */
  conditions: string[];
}

interface Kind {
  method: string;
  category?: 'T' | 'N' | 'M';
  stageGroup: boolean;
  historyOfMetastasis: boolean;
}

/**
 * Every TNM category in the record, whatever the coding style: staging Observations (current SNOMED AJCC
 * concepts, legacy SNOMED findings, AJCC strings, text values), stage groups IV as M1, the mCODE history of
 * metastatic cancer, and `Condition.stage` (coded, or text such as "cT2 cN0 cM0").
 */
export function stagingReadings(observations: Observation[], conditions: Condition[], knowledge: Knowledge): StagingReading[] {
  const codes = knowledge.valueSet('staging-observation-codes');
  const values = knowledge.valueSet('staging-values');
  const stageIV = knowledge.text('stageIV');
  const links = conditionLinks(observations, conditions);
  const readings: StagingReading[] = [];

  for (const obs of observations) {
    if (statusIn(knowledge.statuses.observation.withdrawn, obs.status)) continue;
    const kind = kindOf(codes.match(codingsOf(obs.code))?.meaning);
    if (!kind) continue;
    const base = {
      ref: ref(obs),
      time: firstTime(obs.effectiveDateTime, obs.effectivePeriod?.start, obs.issued),
      final: statusIn(knowledge.statuses.observation.stagingUsable, obs.status),
      conditions: links.get(ref(obs)) ?? [],
    };
    const methodPrefix = prefixOfMethod(kind.method);
    if (kind.historyOfMetastasis) {
      if (obs.valueBoolean === true)
        readings.push({ ...base, category: 'M', prefix: '', value: 'M1', label: 'history of metastatic cancer' });
      continue;
    }
    const label = valueLabel(obs, values);
    if (!label) continue;
    if (kind.stageGroup) {
      if (label === 'stage-IV' || stageIV.test(label))
        readings.push({ ...base, category: 'M', prefix: methodPrefix, value: 'M1', label: 'stage IV' });
      continue;
    }
    const parsed = NOTATION.exec(label);
    if (!parsed || parsed[2].toUpperCase() !== kind.category) continue;
    readings.push({ ...base, ...normalise(parsed, methodPrefix), label });
  }

  for (const condition of conditions) {
    for (const stage of asArray<NonNullable<Condition['stage']>[number]>(condition.stage)) {
      const typePrefix = prefixOfMethod(codes.match(codingsOf(stage?.type))?.meaning ?? '');
      const base = {
        ref: ref(condition),
        time: firstTime(condition.onsetDateTime, condition.onsetPeriod?.start, condition.recordedDate),
        final: true,
        conditions: [ref(condition)],
      };
      const coded = values.match(codingsOf(stage?.summary))?.meaning;
      const text = [coded ?? '', textOf(stage?.summary)].join(' ');
      if (coded === 'stage-IV' || stageIV.test(textOf(stage?.summary)))
        readings.push({ ...base, category: 'M', prefix: typePrefix, value: 'M1', label: 'stage IV' });
      for (const token of text.matchAll(TNM_IN_TEXT)) {
        readings.push({ ...base, ...normalise([token[0], token[1], token[2], token[3]], typePrefix), label: token[0] });
      }
    }
  }
  return dedupe(readings);
}

/** Readings that describe the patient at diagnosis: clinical or unprefixed, never yc/yp or pathological. */
export function isInitialClinical(reading: StagingReading): boolean {
  return reading.prefix === 'c' || reading.prefix === '';
}

/** Readings that mean a surgical specimen was staged (p before treatment, yp after it). */
export function isPathological(reading: StagingReading): boolean {
  return reading.prefix === 'p' || reading.prefix === 'yp';
}

function kindOf(meaning: string | undefined): Kind | undefined {
  if (!meaning) return undefined;
  if (meaning === 'history-of-metastasis') return { method: '', stageGroup: false, historyOfMetastasis: true };
  const tnm = /^(clinical|pathologic|unspecified)-([TNM])$/.exec(meaning);
  if (tnm) return { method: tnm[1], category: tnm[2] as 'T' | 'N' | 'M', stageGroup: false, historyOfMetastasis: false };
  const group = /^(?:(clinical|pathologic)-)?stage-group$/.exec(meaning);
  if (group) return { method: group[1] ?? '', stageGroup: true, historyOfMetastasis: false };
  return undefined;
}

/** The c/p prefix a staging method or Condition.stage.type implies (meanings of staging-observation-codes). */
function prefixOfMethod(meaning: string): StagingPrefix {
  if (meaning.startsWith('clinical')) return 'c';
  if (meaning.startsWith('pathologic')) return 'p';
  return '';
}

function normalise(
  parsed: readonly (string | undefined)[],
  fallbackPrefix: StagingPrefix,
): Pick<StagingReading, 'category' | 'prefix' | 'value'> {
  const category = (parsed[2] as string).toUpperCase() as 'T' | 'N' | 'M';
  const prefix = ((parsed[1] ?? '').toLowerCase() as StagingPrefix) || fallbackPrefix;
  const rest = (parsed[3] as string).toLowerCase() === 'is' ? 'is' : (parsed[3] as string).toUpperCase();
  return { category, prefix, value: `${category}${rest}` };
}

function valueLabel(obs: Observation, values: ValueSetIndex): string | undefined {
  const codings = codingsOf(obs.valueCodeableConcept);
  const known = values.match(codings);
  if (known) return known.meaning;
  const ajcc = codings.find((c) => c.system === AJCC);
  if (ajcc) return ajcc.code.trim();
  const text = (obs.valueCodeableConcept as { text?: unknown } | undefined)?.text ?? obs.valueString;
  return typeof text === 'string' && text.trim() ? text.trim() : undefined;
}

/** Which cancers each Observation is tied to: its focus, a Condition.stage.assessment, or a focused panel that lists it. */
function conditionLinks(observations: Observation[], conditions: Condition[]): Map<string, string[]> {
  const links = new Map<string, Set<string>>();
  const add = (observation: string, condition: string) => {
    if (!links.has(observation)) links.set(observation, new Set());
    links.get(observation)!.add(condition);
  };
  for (const obs of observations) {
    for (const focus of asArray<Reference>(obs.focus)) {
      const target = relative(focus?.reference);
      if (target?.startsWith('Condition/')) add(ref(obs), target);
    }
  }
  for (const condition of conditions) {
    for (const stage of asArray<NonNullable<Condition['stage']>[number]>(condition.stage)) {
      for (const assessment of asArray<Reference>(stage?.assessment)) {
        const target = relative(assessment?.reference);
        if (target) add(target, ref(condition));
      }
    }
  }
  for (const obs of observations) {
    const panel = links.get(ref(obs));
    if (!panel) continue;
    for (const member of asArray<Reference>(obs.hasMember)) {
      const target = relative(member?.reference);
      if (target) for (const condition of panel) add(target, condition);
    }
  }
  return new Map([...links].map(([k, v]) => [k, [...v]]));
}

/** "Condition/123" from a relative, absolute or versioned reference. */
export function relative(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const match = /(?:^|\/)([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return match?.[1];
}

function dedupe(readings: StagingReading[]): StagingReading[] {
  const seen = new Set<string>();
  return readings.filter((r) => {
    const key = `${r.ref}|${r.category}|${r.prefix}|${r.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
