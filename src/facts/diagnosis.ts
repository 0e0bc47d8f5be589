import type { Condition } from 'fhir/r4';
import { isAsserted, isCurrent, statusCode } from './conditions';
import { codingsOf, dayOf, firstTime, ref, statusIn } from './fhir-values';
import { sideOf, type Side } from './laterality';
import type { FactContext } from './types';

const PRIMARY_MEANINGS = ['breast-cancer-female', 'breast-cancer', 'breast-cancer-male'];

/** The breast cancer this decision is about, and the earlier ones that make it a recurrence. */
export interface CurrentDiagnosis {
  /** Confirmed, current primary breast cancer Conditions of this cancer (duplicates across problem list and encounters). */
  conditions: Condition[];
  /** Breast cancer Conditions whose verification status is not stated (confirmed only by a biopsy on record). */
  unstated: Condition[];
  refs: string[];
  /** The day this cancer was diagnosed (earliest onset of its Conditions). */
  time?: number;
  side?: Side;
  /** Primary breast cancers diagnosed more than the window before this one: an earlier cancer. */
  earlier: Condition[];
}

/** When a Condition says the cancer began: onset, else when it was recorded. */
export function onsetOf(condition: Condition): number | undefined {
  return firstTime(condition.onsetDateTime, condition.onsetPeriod?.start, condition.recordedDate);
}

export function isPrimaryBreastCancer(condition: Condition, ctx: FactContext): boolean {
  const meaning = ctx.knowledge.valueSet('breast-cancer-diagnoses').match(codingsOf(condition.code))?.meaning;
  return meaning !== undefined && PRIMARY_MEANINGS.includes(meaning);
}

/**
 * The current diagnosis: the most recently diagnosed confirmed, current primary breast cancer, with any
 * other Condition of it recorded within the window (the same cancer on the problem list and on encounters).
 * A primary breast cancer diagnosed more than the window before it, whatever its status, is an earlier cancer.
 */
export function currentDiagnosis(ctx: FactContext, biopsyProven: boolean): CurrentDiagnosis {
  const { statuses } = ctx.knowledge;
  const windowDays = ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const primaries = ctx.record.conditions.filter((c) => isAsserted(c, statuses) && isPrimaryBreastCancer(c, ctx));
  const unstatedAll = primaries.filter((c) => statusCode(c.verificationStatus) === undefined);
  const confirmed = primaries.filter(
    (c) => statusIn(statuses.condition.confirmed, statusCode(c.verificationStatus)) || (biopsyProven && unstatedAll.includes(c)),
  );
  const current = confirmed.filter((c) => isCurrent(c, statuses));
  const candidates = current.length > 0 ? current : unstatedAll.filter((c) => isCurrent(c, statuses));
  const onsets = candidates.map(onsetOf).filter((t): t is number => t !== undefined);
  const anchor = onsets.length ? Math.max(...onsets) : undefined;
  const sameCancer = candidates.filter((c) => {
    const t = onsetOf(c);
    return t === undefined || anchor === undefined || dayOf(t) >= dayOf(anchor) - windowDays;
  });
  const times = sameCancer.map(onsetOf).filter((t): t is number => t !== undefined);
  const time = times.length ? Math.min(...times) : undefined;
  const earlier = primaries.filter((c) => {
    const t = onsetOf(c);
    return !sameCancer.includes(c) && t !== undefined && time !== undefined && dayOf(t) < dayOf(time) - windowDays;
  });
  const sides = new Set(sameCancer.map((c) => sideOf(ctx.knowledge, c.code, c.bodySite)).filter((s): s is Side => s !== undefined));
  return {
    conditions: current.length > 0 ? sameCancer : [],
    unstated: current.length > 0 ? [] : sameCancer,
    refs: sameCancer.map(ref),
    time,
    side: sides.size === 1 ? [...sides][0] : undefined,
    earlier,
  };
}

/**
 * Whether a dated or linked finding belongs to the current cancer: tied to one of its Conditions, or (when
 * tied to none) dated no earlier than the window before its diagnosis. Undated, untied findings do not.
 */
export function belongsToCurrent(dx: CurrentDiagnosis, windowDays: number, finding: { conditions: string[]; time?: number }): boolean {
  if (finding.conditions.length > 0) return finding.conditions.some((c) => dx.refs.includes(c));
  if (finding.time === undefined) return false;
  return dx.time === undefined || dayOf(finding.time) >= dayOf(dx.time) - windowDays;
}

/** Whether a finding could belong to the current cancer, for exclusions: as above, and undated untied findings too. */
export function mayBelongToCurrent(dx: CurrentDiagnosis, windowDays: number, finding: { conditions: string[]; time?: number }): boolean {
  if (finding.conditions.length === 0 && finding.time === undefined) return true;
  return belongsToCurrent(dx, windowDays, finding);
}
