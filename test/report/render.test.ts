import { horizontalBarChart, timeBarChart } from '../../src/report/charts';
import { escapeHtml, formatCount, formatDate, formatPercent } from '../../src/report/format';
import { renderHtml } from '../../src/report/render-html';
import { md, renderMarkdown } from '../../src/report/render-markdown';
import type { ReportData } from '../../src/report/types';
import { emptyReport, sampleReport } from './sample-report';

const SECTIONS = ['summary', 'did', 'answered', 'knows'];

/** The HTML of one section, from its opening tag to the next top-level section. */
function sectionHtml(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  const next = SECTIONS.slice(SECTIONS.indexOf(id) + 1)
    .map((s) => html.indexOf(`<section id="${s}"`))
    .find((i) => i > 0);
  return html.slice(start, next ?? html.indexOf('</main>'));
}

/** Every tag opened is closed, in order (void elements excepted): the markup is well formed. */
function balanced(markup: string): boolean {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of markup.matchAll(/<(\/?)([a-zA-Z][\w-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const tag = name.toLowerCase();
    if (selfClosing || (voids.has(tag) && !close)) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) return false;
  }
  return stack.length === 0;
}

/** The report with every string in it replaced by `f(string)`: for injection tests. */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, f)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)])) as T;
  return value;
}

describe('format', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('writes counts with thousands separators, rates with one decimal, and "—" for a rate that does not apply', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(312)).toBe('312');
    expect(formatPercent(3 / 16)).toBe('18.8%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('writes dates unambiguously and leaves a malformed date as given', () => {
    expect(formatDate('2026-12-01')).toBe('1 Dec 2026');
    expect(formatDate('2026-02-30')).toBe('2026-02-30');
  });
});

describe('charts', () => {
  const month = Array.from({ length: 30 }, (_v, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, calls: (i * 7) % 11 }));

  it('calls over time: an accessible SVG with a title, a date label every few days and each day as a bar', () => {
    const svg = timeBarChart(month, 'Hook calls per day');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/aria-label="Hook calls per day, 1 Nov 2026 to 30 Nov 2026: [\d,]+ in total/);
    expect(svg).toContain('<title>Hook calls per day</title>');
    expect(svg.match(/<rect /g)).toHaveLength(30);
    const dateLabels = [...svg.matchAll(/>(\d{1,2} Nov)</g)].map((m) => m[1]);
    expect(dateLabels[0]).toBe('1 Nov');
    expect(dateLabels.length).toBeGreaterThanOrEqual(3);
    expect(dateLabels.length).toBeLessThanOrEqual(10);
    expect(balanced(svg)).toBe(true);
  });

  it('calls over time: a day missing from the data is a gap on the axis, not a squeezed bar', () => {
    const svg = timeBarChart(
      [
        { date: '2026-12-01', calls: 4 },
        { date: '2026-12-10', calls: 4 },
      ],
      'Hook calls per day',
    );
    const xs = [...svg.matchAll(/<rect x="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs[1] - xs[0]).toBeGreaterThan(500);
  });

  it('counts: one labelled bar per count, with its number and share; long labels shortened, full in the tooltip', () => {
    const long = 'Ordered to evaluate the primary breast tumour, not the axilla, as the tumour board asked';
    const svg = horizontalBarChart(
      [
        { label: 'Chemotherapy in progress', value: 6 },
        { label: long, value: 2 },
      ],
      'Why the variant did not apply',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Why the variant did not apply</title>');
    expect(svg).toContain('>Chemotherapy in progress<');
    expect(svg).toContain('>6 (75.0%)<');
    expect(svg).toContain(`<title>${long}: 2 (25.0%)</title>`);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(balanced(svg)).toBe(true);
  });

  it('escapes labels and titles', () => {
    const svg = horizontalBarChart([{ label: '<script>x</script>', value: 1 }], 'A "title" <b>');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('says "no data" instead of drawing an empty chart', () => {
    for (const svg of [
      timeBarChart([], 'Calls'),
      timeBarChart([{ date: '2026-12-01', calls: 0 }], 'Calls'),
      horizontalBarChart([], 'Outcomes'),
    ]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/No (data|calls) in this period/);
      expect(svg).not.toContain('<rect');
    }
  });
});

describe('renderHtml', () => {
  const html = renderHtml(sampleReport());

  it('is one HTML5 document with the four sections, in order', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    const at = SECTIONS.map((id) => html.indexOf(`<section id="${id}"`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(balanced(html)).toBe(true);
  });

  it('is self-contained: no script, no external asset; the only web links are to the sources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/\ssrc=/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    const external = hrefs.filter((h) => !h.startsWith('#'));
    expect(external).toEqual([escapeHtml(sampleReport().knows.variant.source.url)]);
  });

  it('summary: the headline figures, with "40 hook calls"', () => {
    const summary = sectionHtml(html, 'summary');
    expect(summary).toContain('40 hook calls');
    expect(summary).toContain('>16<'); // cards shown
    expect(summary).toContain('>4<'); // would have shown, silent
    expect(summary).toContain('37.5%'); // 6 of 16 accepted
    expect(summary).toContain('18.8%'); // 3 of 16 overridden
    expect(summary).toContain('Audit rows lost');
    expect(summary).toContain('0.1.0');
    expect(summary).toContain('3f9a1c0be27d4e58');
    expect(summary).toContain('1 Dec 2026');
    expect(summary).toContain('axilla-imaging-order-sign'); // the silent service
  });

  it('what it did: outcomes, exclusions, missing facts, cards, record sources, latency, statuses, lost rows', () => {
    const did = sectionHtml(html, 'did');
    expect(did).toContain('Does not apply (an exclusion) 17');
    expect(did).toContain('Chemotherapy in progress');
    expect(did).toContain('35.3%'); // 6 of 17 excluded calls
    expect(did).toContain('pre-treatment nodal status');
    expect(did).toContain('18.9%'); // fallback rate 7 / 37
    expect(did).toContain('diagnosticReports');
    expect(did).toContain('1,240 ms');
    expect(did).toContain('1,873 ms');
    expect(did).toContain('412: Refused');
    expect(did).toMatch(/1 audit row lost/);
  });

  it('how clinicians answered: rates per card kind, override reasons ranked, unknown-card feedback flagged', () => {
    const answered = sectionHtml(html, 'answered');
    expect(answered).toContain('60.0%'); // MRI 3 of 5 accepted
    expect(answered).toContain('33.3%'); // FDG-PET/CT 1 of 3 accepted
    expect(answered).toContain('66.7%'); // FDG-PET/CT 2 of 3 overridden
    expect(answered).toContain('37.5%');
    expect(answered).toContain('18.8%');
    const first = answered.indexOf('Evaluating for distant metastatic disease');
    const second = answered.indexOf('Ordered to evaluate the primary breast tumour, not the axilla');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(answered).toContain('Flagged:</strong> 1 feedback item named a card');
  });

  it('what it knows: variant, ratings, exclusions in order, settings, caveats, card wording, every code of every value set', () => {
    const knows = sectionHtml(html, 'knows');
    const report = sampleReport();
    expect(knows).toContain(escapeHtml(report.knows.variant.text));
    expect(knows).toContain('May be appropriate (panel disagreement)');
    expect(knows).toContain('Not checked against ACR table');
    const order = report.knows.exclusions.map((x) => knows.indexOf(`<code>${x.reason}</code>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(knows).toContain('maxDaysSinceEnd');
    expect(knows).toContain('ACR topic 235 variant 5 overlaps this variant');
    expect(knows).toContain(escapeHtml(report.knows.cards[1].summary));
    for (const vs of report.knows.valueSets) {
      expect(knows).toContain(
        `<details class="value-set" id="valueset-${vs.id}"><summary><strong>${escapeHtml(vs.title)}</strong> — ${vs.codes.length} codes</summary>`,
      );
      for (const c of vs.codes) expect(knows).toContain(`<code>${escapeHtml(c.code)}</code>`);
    }
    expect(knows).toContain('Left axilla &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('escapes every string from the data', () => {
    const hostile = mapStrings(sampleReport(), (s) => `${s}<img src=x onerror=alert(1)><script>alert(2)</script>`);
    const out = renderHtml(hostile);
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(balanced(out)).toBe(true);
  });

  it('a period with no call: says so, and every rate reads "—"', () => {
    const out = renderHtml(emptyReport());
    const summary = sectionHtml(out, 'summary');
    expect(summary).toContain('there were no hook calls in this period');
    expect(summary).toContain('0 hook calls');
    expect(summary).not.toContain('%');
    expect(summary).toContain('—');
    expect(out).toContain('No calls in this period.');
    expect(out).toContain('No card was shown.');
    expect(balanced(out)).toBe(true);
  });

  it('writes large counts with thousands separators', () => {
    const big: ReportData = { ...sampleReport() };
    big.did = { ...big.did, calls: 12345 };
    expect(sectionHtml(renderHtml(big), 'summary')).toContain('12,345 hook calls');
  });
});

describe('renderMarkdown', () => {
  const text = renderMarkdown(sampleReport());

  it('first paragraph: the number of calls, as "40 hook calls"', () => {
    const firstParagraph = text.split('\n\n')[1];
    expect(firstParagraph).toContain('40 hook calls');
  });

  it('the same figures and rates as the HTML', () => {
    for (const figure of ['37.5%', '18.8%', '60.0%', '33.3%', '66.7%', '35.3%', '18.9%', '1,240 ms', '3f9a1c0be27d4e58'])
      expect(text).toContain(figure);
    expect(text).toContain('Evaluating for distant metastatic disease');
    expect(text).toContain('Ordered to evaluate the primary breast tumour, not the axilla');
    expect(text).toMatch(/Flagged: 1 feedback item/);
  });

  it('headings in the HTML order, one per value set, and tables', () => {
    const headings = ['## Summary', '## What it did', '## How clinicians answered', '## What it knows'].map((h) =>
      text.indexOf(`\n${h}\n`),
    );
    expect(headings.every((i) => i > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    for (const vs of sampleReport().knows.valueSets) expect(text).toContain(`#### ${md(vs.title)} (${vs.codes.length} codes)`);
    expect(text).toMatch(/^\| Procedure \| Rating \| Shown \| Accepted \|/m);
  });

  it('escapes what Markdown or HTML would act on: no raw tag, no pipe breaking a table', () => {
    expect(text).not.toMatch(/(^|[^\\])<script/);
    expect(text).toContain('Left axilla \\<script\\>alert("x")\\</script\\>');
    expect(md('a|b')).toBe('a\\|b');
    expect(md('[x](javascript:y)')).toBe('\\[x\\](javascript:y)');
    const hostile = renderMarkdown(mapStrings(sampleReport(), (s) => `${s} <img src=x> | [link](javascript:alert(1))\nnew line`));
    expect(hostile).not.toMatch(/(^|[^\\])<img/);
    expect(hostile).not.toMatch(/(^|[^\\])\[link/);
  });

  it('a period with no call: says so', () => {
    const out = renderMarkdown(emptyReport());
    expect(out.split('\n\n')[1]).toContain('0 hook calls');
    expect(out).toContain('there were no hook calls in this period');
    expect(out).toContain('_No calls in this period._');
  });
});
