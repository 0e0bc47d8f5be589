import type { Observation, ObservationComponent, Reference } from 'fhir/r4';
import type { Knowledge } from '../knowledge/knowledge';
import { asArray, codingsOf, firstTime, ref, statusIn } from './fhir-values';
import { relative } from './staging';

const TO_MM: Record<string, number> = { mm: 1, cm: 10 };
/** A size written as text, e.g. "3.1 cm", "31mm", "2.4 x 1.8 cm" (the first, longest figure). */
const SIZE_TEXT = /(\d+(?:\.\d+)?)\s*(?:x\s*\d+(?:\.\d+)?\s*)*(mm|cm)\b/i;
const SIZE_CODES = ['tumour-size', 'longest-dimension', 'invasive-longest-dimension'];

export interface SizeReading {
  ref: string;
  longestMm: number;
  /** A size measured on an excised specimen (pathological, so surgery happened). */
  fromSpecimen: boolean;
  time?: number;
  /** `Condition/<id>` the measurement is of (Observation.focus). */
  conditions: string[];
}

/**
 * Tumour sizes with their longest dimension in mm: mCODE TumorSize (21889-1) and its components, or an
 * Observation coded with the maximum or invasive dimension itself (33728-7, 44635-1); value as a Quantity in
 * mm or cm, or as text. The invasive size is preferred where both are given (AJCC T rests on it).
 */
export function sizeReadings(observations: Observation[], knowledge: Knowledge): SizeReading[] {
  const sizes = knowledge.valueSet('tumour-size');
  const readings: SizeReading[] = [];
  for (const obs of observations) {
    if (statusIn(knowledge.statuses.observation.withdrawn, obs.status)) continue;
    const meaning = sizes.match(codingsOf(obs.code))?.meaning;
    if (!meaning || !SIZE_CODES.includes(meaning)) continue;
    const components = asArray<ObservationComponent>(obs.component);
    const component = ['invasive-longest-dimension', 'longest-dimension']
      .map((m) => components.find((c) => sizes.match(codingsOf(c?.code))?.meaning === m))
      .find((c) => c !== undefined);
    const mm = toMm(component ?? obs);
    if (mm === undefined) continue;
    const conditions = asArray<Reference>(obs.focus)
      .map((f) => relative(f?.reference))
      .filter((r): r is string => r?.startsWith('Condition/') === true);
    readings.push({
      ref: ref(obs),
      longestMm: mm,
      fromSpecimen: Boolean(obs.specimen),
      time: firstTime(obs.effectiveDateTime, obs.effectivePeriod?.start, obs.issued),
      conditions,
    });
  }
  return readings;
}

function toMm(value: { valueQuantity?: { value?: unknown; code?: unknown; unit?: unknown }; valueString?: unknown }): number | undefined {
  const quantity = value.valueQuantity;
  if (quantity && typeof quantity.value === 'number' && Number.isFinite(quantity.value)) {
    const unit = typeof quantity.code === 'string' ? quantity.code : typeof quantity.unit === 'string' ? quantity.unit : '';
    const factor = TO_MM[unit.toLowerCase()];
    return factor === undefined ? undefined : quantity.value * factor;
  }
  const match = typeof value.valueString === 'string' ? SIZE_TEXT.exec(value.valueString) : null;
  return match ? Number(match[1]) * TO_MM[match[2].toLowerCase()] : undefined;
}
