/** Defensive readers for FHIR elements: resources from EHRs may have any field missing or odd. */

export interface CodingValue {
  system: string;
  code: string;
  display?: string;
}

/** A FHIR list as an array: EHR data may put an object, a string or nothing where an array belongs. */
export function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Only the free text of a CodeableConcept (not its codings' displays). */
export function freeTextOf(concept: unknown): string {
  const text = (concept as { text?: unknown })?.text;
  return typeof text === 'string' ? text : '';
}

/** Whether a resource's status (any type, possibly missing) is one of `codes` from hooks/record-statuses.json. */
export function statusIn(codes: readonly string[], status: unknown): boolean {
  return typeof status === 'string' && codes.includes(status);
}

export function codingsOf(concept: unknown): CodingValue[] {
  const coding = (concept as { coding?: unknown })?.coding;
  if (!Array.isArray(coding)) return [];
  return coding.filter((c: unknown): c is CodingValue => {
    const candidate = c as { system?: unknown; code?: unknown } | null;
    return typeof candidate?.system === 'string' && typeof candidate.code === 'string' && candidate.code !== '';
  });
}

export function codingsOfAll(concepts: unknown): CodingValue[] {
  return Array.isArray(concepts) ? concepts.flatMap(codingsOf) : [];
}

export function textOf(concept: unknown): string {
  const c = concept as { text?: unknown; coding?: { display?: unknown }[] };
  const parts = [typeof c?.text === 'string' ? c.text : ''];
  if (Array.isArray(c?.coding)) for (const coding of c.coding) if (typeof coding?.display === 'string') parts.push(coding.display);
  return parts.join(' ');
}

/**
 * The day a FHIR date or dateTime names, as written (partial dates allowed), as epoch milliseconds of
 * that day at 00:00 UTC. Clinical windows are calendar-day questions asked in the clinic's time: a dose
 * at 2025-03-01T23:30:00-05:00 was given on 1 March, although it was 2 March in UTC.
 */
export function toTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2] ?? '1'), Number(match[3] ?? '1')];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const time = Date.UTC(year, month - 1, day);
  return new Date(time).getUTCDate() === day ? time : undefined;
}

export function firstTime(...values: unknown[]): number | undefined {
  for (const v of values) {
    const t = toTime(v);
    if (t !== undefined) return t;
  }
  return undefined;
}

export function periodOf(value: unknown): { start?: number; end?: number } {
  const p = value as { start?: unknown; end?: unknown } | undefined;
  return { start: toTime(p?.start), end: toTime(p?.end) };
}

export function isoDate(time: number | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString().slice(0, 10);
}

export function ref(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${resource.id ?? 'unidentified'}`;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day of a time: dates compare by day, so a date-only value and a time on that day are the same day. */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** On or before `reference`, by day; an unknown reference means no bound. */
export function onOrBefore(time: number | undefined, reference: number | undefined): boolean {
  return time !== undefined && (reference === undefined || dayOf(time) <= dayOf(reference));
}
