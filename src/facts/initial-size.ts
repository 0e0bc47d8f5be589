import { isoDate, onOrBefore } from './fhir-values';
import { isInitialClinical, type StagingReading } from './staging';
import type { SizeReading } from './tumour-size';
import type { Fact, FactContext, InitialSize } from './types';

/**
 * Size at diagnosis: a clinical T category before chemotherapy (T2-T4 count as > 2 cm), or a tumour size
 * measured before chemotherapy that is not from a surgical specimen. Either qualifying reading is enough.
 */
export function initialSizeFact(ctx: FactContext, staging: StagingReading[], sizes: SizeReading[], chemoStart: number | undefined): Fact<InitialSize> {
  const criteria = ctx.variant.criteria.initialSize;
  const before = (time: number | undefined) => onOrBefore(time, chemoStart);
  const tReadings = staging.filter((r) => r.category === 'T' && isInitialClinical(r) && before(r.time));
  const clinicalSizes = sizes.filter((s) => !s.fromSpecimen && before(s.time));

  const largeT = tReadings.filter((r) => criteria.qualifyingTCategories.includes(r.value));
  const largeSizes = clinicalSizes.filter((s) => s.longestMm > criteria.minimumLongestDimensionMmExclusive);
  if (largeT.length > 0 || largeSizes.length > 0) {
    const detail = [...largeT.map((r) => r.label), ...largeSizes.map((s) => `${round(s.longestMm)} mm`)].join(', ');
    const times = [...largeT, ...largeSizes].map((r) => r.time as number);
    return { value: 'greater-than-2cm', date: isoDate(Math.min(...times)), detail, evidence: [...largeT, ...largeSizes].map((r) => r.ref) };
  }
  const smallT = tReadings.filter((r) => criteria.smallTCategories.includes(r.value));
  if (smallT.length > 0 || clinicalSizes.length > 0) {
    const detail = [...smallT.map((r) => r.label), ...clinicalSizes.map((s) => `${round(s.longestMm)} mm`)].join(', ');
    const all = [...smallT, ...clinicalSizes];
    return { value: '2cm-or-less', date: isoDate(Math.max(...all.map((r) => r.time as number))), detail, evidence: all.map((r) => r.ref) };
  }
  return { value: 'unknown', evidence: tReadings.map((r) => r.ref) };
}

function round(mm: number): string {
  return Number.isInteger(mm) ? String(mm) : mm.toFixed(1);
}
