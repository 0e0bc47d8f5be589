import type { Observation, ObservationComponent } from 'fhir/r4';
import type { Knowledge } from '../knowledge/knowledge';
import { asArray, codingsOf, firstTime, ref, statusIn } from './fhir-values';

const TO_MM: Record<string, number> = { mm: 1, cm: 10 };

export interface SizeReading {
  ref: string;
  longestMm: number;
  /** A size measured on an excised specimen (pathological, so surgery happened). */
  fromSpecimen: boolean;
  time?: number;
}

/** Tumour sizes (LOINC 21889-1) with their longest dimension in mm, from a component or the value itself. */
export function sizeReadings(observations: Observation[], knowledge: Knowledge): SizeReading[] {
  const sizes = knowledge.valueSet('tumour-size');
  const readings: SizeReading[] = [];
  for (const obs of observations) {
    if (statusIn(knowledge.statuses.observation.withdrawn, obs.status)) continue;
    if (sizes.match(codingsOf(obs.code))?.meaning !== 'tumour-size') continue;
    const longest = asArray<ObservationComponent>(obs.component).find((c) => sizes.match(codingsOf(c?.code))?.meaning === 'longest-dimension');
    const mm = toMm(longest?.valueQuantity ?? obs.valueQuantity);
    if (mm === undefined) continue;
    readings.push({ ref: ref(obs), longestMm: mm, fromSpecimen: Boolean(obs.specimen), time: firstTime(obs.effectiveDateTime, obs.effectivePeriod?.start, obs.issued) });
  }
  return readings;
}

function toMm(quantity: { value?: unknown; code?: unknown; unit?: unknown } | undefined): number | undefined {
  if (!quantity || typeof quantity.value !== 'number' || !Number.isFinite(quantity.value)) return undefined;
  const unit = String(quantity.code ?? quantity.unit ?? '').toLowerCase();
  const factor = TO_MM[unit];
  return factor === undefined ? undefined : quantity.value * factor;
}
