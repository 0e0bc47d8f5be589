import { belongsToCurrent, type CurrentDiagnosis } from './diagnosis';
import { isoDate, onOrBefore } from './fhir-values';
import { isInitialClinical, type StagingReading } from './staging';
import type { SizeReading } from './tumour-size';
import type { Fact, FactContext, InitialSize } from './types';

/**
 * Size at diagnosis: a final clinical T category of this cancer before chemotherapy (T2-T4 count as > 2 cm),
 * or a tumour size of this cancer measured before chemotherapy that is not from a surgical specimen. Either
 * qualifying reading is enough. Readings of an earlier cancer (tied to it, or dated before the window) never count.
 */
export function initialSizeFact(
  ctx: FactContext,
  dx: CurrentDiagnosis,
  staging: StagingReading[],
  sizes: SizeReading[],
  chemoStart: number | undefined,
): Fact<InitialSize> {
  const criteria = ctx.variant.criteria.initialSize;
  const windowDays = ctx.variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const ofThisCancer = (r: { conditions: string[]; time?: number }) =>
    belongsToCurrent(dx, windowDays, r) && onOrBefore(r.time, chemoStart);
  const tReadings = staging.filter((r) => r.category === 'T' && r.final && isInitialClinical(r) && ofThisCancer(r));
  const clinicalSizes = sizes.filter((s) => !s.fromSpecimen && ofThisCancer(s));

  const largeT = tReadings.filter((r) => criteria.qualifyingTCategories.includes(r.value));
  const largeSizes = clinicalSizes.filter((s) => s.longestMm > criteria.minimumLongestDimensionMmExclusive);
  if (largeT.length > 0 || largeSizes.length > 0) {
    const detail = [...new Set([...largeT.map((r) => r.label), ...largeSizes.map((s) => `${round(s.longestMm)} mm`)])].join(', ');
    const times = [...largeT, ...largeSizes].map((r) => r.time as number);
    return {
      value: 'greater-than-2cm',
      date: isoDate(Math.min(...times)),
      detail,
      evidence: [...new Set([...largeT, ...largeSizes].map((r) => r.ref))],
    };
  }
  const smallT = tReadings.filter((r) => criteria.smallTCategories.includes(r.value));
  if (smallT.length > 0 || clinicalSizes.length > 0) {
    const detail = [...new Set([...smallT.map((r) => r.label), ...clinicalSizes.map((s) => `${round(s.longestMm)} mm`)])].join(', ');
    const all = [...smallT, ...clinicalSizes];
    return {
      value: '2cm-or-less',
      date: isoDate(Math.max(...all.map((r) => r.time as number))),
      detail,
      evidence: [...new Set(all.map((r) => r.ref))],
    };
  }
  return { value: 'unknown', evidence: [...new Set(tReadings.map((r) => r.ref))] };
}

function round(mm: number): string {
  return Number.isInteger(mm) ? String(mm) : mm.toFixed(1);
}
