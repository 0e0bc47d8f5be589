/** Shown wherever a figure does not apply (a rate of nothing, a latency with no calls). */
export const NOT_APPLICABLE = '—';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Words keys write in lower case that a clinician reads in capitals. */
const ACRONYMS = new Set(['acr', 'fhir', 'ehr', 'mri', 'ct', 'pet', 'fdg', 'dbt', 'us', 'cpt', 'icd', 'loinc', 'snomed']);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Text made safe for HTML element content and double- or single-quoted attribute values.
 *
 * @example escapeHtml('<b title="x">') // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * A count with thousands separators, whatever the machine's locale; a value that is not a finite number reads "—".
 *
 * @example formatCount(12345) // '12,345'
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return NOT_APPLICABLE;
  const sign = n < 0 ? '-' : '';
  return (
    sign +
    Math.round(Math.abs(n))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  );
}

/**
 * A rate (0..1) as a percentage with one decimal; "—" when it does not apply (no denominator).
 *
 * @example formatPercent(0.1875) // '18.8%'
 * @example formatPercent(undefined) // '—'
 */
export function formatPercent(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate)) return NOT_APPLICABLE;
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * `count / total`, or undefined when the total is zero (the rate does not apply).
 *
 * @example share(3, 16) // 0.1875
 * @example share(0, 0) // undefined
 */
export function share(count: number, total: number): number | undefined {
  return total > 0 && Number.isFinite(count) ? count / total : undefined;
}

/**
 * Milliseconds, rounded, with thousands separators.
 *
 * @example formatMs(1240.4) // '1,240 ms'
 */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${formatCount(ms)} ms` : NOT_APPLICABLE;
}

/**
 * An ISO date (YYYY-MM-DD, or the date part of a timestamp) as a UTC day number; undefined when it is not a real date.
 *
 * @example dayNumber('1970-01-02') // 1
 */
export function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const time = Date.UTC(y, mo - 1, d);
  const back = new Date(time);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return time / 86_400_000;
}

/**
 * An ISO date in words a reader cannot misread (no day/month order to guess); anything else is returned as given.
 *
 * @example formatDate('2026-12-01') // '1 Dec 2026'
 * @example formatDate('2026-12-01', false) // '1 Dec'
 */
export function formatDate(date: string, withYear = true): string {
  const day = dayNumber(date);
  if (day === undefined) return date;
  const d = new Date(day * 86_400_000);
  const short = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return withYear ? `${short} ${d.getUTCFullYear()}` : short;
}

/**
 * An ISO timestamp as date and UTC time to the minute; anything else is returned as given.
 *
 * @example formatDateTime('2026-12-02T06:05:09Z') // '2 Dec 2026, 06:05 UTC'
 */
export function formatDateTime(timestamp: string): string {
  const time = Date.parse(timestamp);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp) || Number.isNaN(time)) return timestamp;
  const iso = new Date(time).toISOString();
  return `${formatDate(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`;
}

/**
 * A machine key in plain words: hyphens and underscores become spaces, the first letter a capital.
 *
 * @example humanise('chemotherapy-in-progress') // 'Chemotherapy in progress'
 * @example humanise('not-checked-against-acr-table') // 'Not checked against ACR table'
 */
export function humanise(key: string): string {
  const words = String(key)
    .replace(/[-_]+/g, ' ')
    .trim()
    .replace(/\b[a-z]+\b/g, (w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}
