import { dayNumber, escapeHtml, formatCount, formatDate, formatPercent, share } from './format';

/**
 * Okabe-Ito colours: told apart with every common colour-vision deficiency, and each dark enough for
 * white-background print. Every bar also carries its number as text, so no meaning rests on colour alone.
 */
export const PALETTE = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  green: '#009E73',
  purple: '#CC79A7',
  orange: '#E69F00',
  sky: '#56B4E9',
} as const;

const WIDTH = 720;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const INK = '#1a1a1a';
const GRID = '#d0d0d0';
const LABEL_CHARS = 46;
/** A generous average width of a 12 px system-font character, for sizing the label column without measuring text. */
const CHAR_WIDTH = 6.6;

export interface Bar {
  label: string;
  value: number;
}

export interface HorizontalBarOptions {
  colour?: string;
  /** Say what each bar is a share of, e.g. "12 (30.0%)"; on by default. */
  showShare?: boolean;
  /** What the chart says when there is nothing to draw. */
  emptyText?: string;
}

/**
 * Calls per day as vertical bars on a true time axis: a day missing from the data is a gap, not a squeezed
 * bar. Dates are labelled every few days (at most about ten labels), each bar with its number while they fit.
 *
 * @example
 * timeBarChart([{ date: '2026-12-01', calls: 40 }], 'Hook calls per day') // '<svg role="img" ...'
 */
export function timeBarChart(points: { date: string; calls: number }[], title: string, emptyText = 'No calls in this period.'): string {
  const values = points.map((p) => (Number.isFinite(p.calls) && p.calls > 0 ? p.calls : 0));
  if (points.length === 0 || values.every((v) => v === 0)) return noData(title, emptyText);

  const days = points.map((p) => dayNumber(p.date));
  const dated = days.every((d): d is number => d !== undefined);
  const first = dated ? Math.min(...days) : 0;
  const offsets = dated ? days.map((d) => d - first) : points.map((_p, i) => i);
  const span = Math.max(...offsets) + 1;

  const height = 260;
  const left = 52;
  const right = 16;
  const top = 28;
  const bottom = 40;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const slot = plotW / span;
  const barW = Math.min(48, Math.max(1, slot * 0.8));
  const { max, step } = niceScale(Math.max(...values));
  const y = (v: number) => top + plotH - (v / max) * plotH;

  const parts: string[] = [];
  for (let v = 0; v <= max; v += step) {
    parts.push(`<line x1="${left}" x2="${WIDTH - right}" y1="${num(y(v))}" y2="${num(y(v))}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${num(y(v) + 4)}" text-anchor="end" font-size="11">${formatCount(v)}</text>`);
  }
  points.forEach((p, i) => {
    const value = values[i];
    const x = left + offsets[i] * slot + (slot - barW) / 2;
    const words = `${dated ? formatDate(p.date) : p.date}: ${formatCount(value)} ${value === 1 ? 'call' : 'calls'}`;
    parts.push(
      `<rect x="${num(x)}" y="${num(y(value))}" width="${num(barW)}" height="${num(top + plotH - y(value))}" fill="${PALETTE.blue}"><title>${escapeHtml(words)}</title></rect>`,
    );
    if (value > 0 && slot >= 16)
      parts.push(
        `<text x="${num(x + barW / 2)}" y="${num(y(value) - 4)}" text-anchor="middle" font-size="${slot >= 28 ? 11 : 9}">${formatCount(value)}</text>`,
      );
  });
  const every = labelEvery(span);
  for (let offset = 0; offset < span; offset += every) {
    const x = left + offset * slot + slot / 2;
    const label = dated ? formatDate(isoOfDay(first + offset), false) : (points[offsets.indexOf(offset)]?.date ?? '');
    parts.push(`<line x1="${num(x)}" x2="${num(x)}" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="${INK}"/>`);
    parts.push(`<text x="${num(x)}" y="${top + plotH + 18}" text-anchor="middle" font-size="11">${escapeHtml(label)}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${WIDTH - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="${INK}"/>`);
  parts.push(`<text x="${left}" y="14" font-size="11">Calls per day</text>`);

  const busiest = values.indexOf(Math.max(...values));
  const firstWords = dated ? formatDate(points[0].date) : points[0].date;
  const lastWords = dated ? formatDate(points[points.length - 1].date) : points[points.length - 1].date;
  const label = `${title}, ${firstWords} to ${lastWords}: ${formatCount(values.reduce((a, b) => a + b, 0))} in total; busiest day ${dated ? formatDate(points[busiest].date) : points[busiest].date} with ${formatCount(values[busiest])}.`;
  return svg(title, label, height, parts);
}

/**
 * Counts as horizontal bars, largest first as given, each labelled with its name, number and (by default) its
 * share of the total. Long names are shortened on the chart; the full name is in each bar's tooltip.
 *
 * @example
 * horizontalBarChart([{ label: 'Chemotherapy in progress', value: 6 }], 'Why the variant did not apply')
 */
export function horizontalBarChart(bars: Bar[], title: string, options: HorizontalBarOptions = {}): string {
  const rows = bars.map((b) => ({ label: b.label, value: Number.isFinite(b.value) && b.value > 0 ? b.value : 0 }));
  if (rows.length === 0 || rows.every((r) => r.value === 0)) return noData(title, options.emptyText ?? 'No data in this period.');

  const showShare = options.showShare ?? true;
  const colour = options.colour ?? PALETTE.blue;
  const rowH = 26;
  const longest = Math.min(LABEL_CHARS, Math.max(...rows.map((r) => r.label.length)));
  const labelW = Math.round(Math.min(320, Math.max(120, longest * CHAR_WIDTH + 12)));
  const numberW = 110;
  const barMax = WIDTH - labelW - numberW;
  const height = rows.length * rowH + 8;
  const max = Math.max(...rows.map((r) => r.value));
  const all = rows.reduce((a, r) => a + r.value, 0);

  const parts = rows.map((r, i) => {
    const yTop = 4 + i * rowH;
    const w = Math.max(r.value > 0 ? 2 : 0, (r.value / max) * barMax);
    const figure = showShare ? `${formatCount(r.value)} (${formatPercent(share(r.value, all))})` : formatCount(r.value);
    const shortLabel = r.label.length > LABEL_CHARS ? `${r.label.slice(0, LABEL_CHARS - 1)}…` : r.label;
    return (
      `<g><title>${escapeHtml(`${r.label}: ${figure}`)}</title>` +
      `<text x="${labelW - 8}" y="${yTop + 17}" text-anchor="end" font-size="12">${escapeHtml(shortLabel)}</text>` +
      `<rect x="${labelW}" y="${yTop + 4}" width="${num(w)}" height="${rowH - 8}" fill="${colour}"/>` +
      `<text x="${num(labelW + w + 6)}" y="${yTop + 17}" font-size="12">${figure}</text></g>`
    );
  });
  parts.push(`<line x1="${labelW}" x2="${labelW}" y1="2" y2="${height - 2}" stroke="${INK}"/>`);

  const listed = rows.slice(0, 12).map((r) => `${r.label} ${formatCount(r.value)}`);
  const label = `${title}: ${listed.join('; ')}${rows.length > 12 ? `; and ${rows.length - 12} more` : ''}.`;
  return svg(title, label, height, parts);
}

function svg(title: string, label: string, height: number, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" ` +
    `font-family="${escapeHtml(FONT)}" fill="${INK}" class="chart"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}

function noData(title: string, text: string): string {
  return svg(title, `${title}: ${text}`, 32, [`<text x="0" y="21" font-size="13" font-style="italic">${escapeHtml(text)}</text>`]);
}

/** A round top for the value axis and the step between its gridlines (at most about five). */
function niceScale(peak: number): { max: number; step: number } {
  const rough = Math.max(1, peak) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude);
  return { max: Math.ceil(Math.max(1, peak) / step) * step, step };
}

/** Days between date labels: daily for a short period, then every 2, 3 or 7 days, then in whole weeks. */
function labelEvery(span: number): number {
  const steps = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364];
  return steps.find((s) => span / s <= 10) ?? Math.ceil(span / 10);
}

function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}
