import { horizontalBarChart, PALETTE, timeBarChart } from './charts';
import { headline, sum, total, type Headline } from './figures';
import { escapeHtml as e, formatCount, formatDate, formatDateTime, formatMs, formatPercent, humanise, share } from './format';
import { indicatorLabel, missingName, outcomeLabel, procedureName, ratingLabel, recordSourceLabel, statusLabel } from './labels';
import type { Count, ReportData } from './types';

/** A table cell: a plain string is untrusted text (escaped here); `html` is markup this module built. */
type Cell = string | { html: string; numeric?: boolean };

/**
 * The governance report as one self-contained HTML5 page: inline style and SVG, no script, no external
 * asset, A4 print styles. Every string from the data is escaped.
 *
 * @example
 * fs.writeFileSync('report.html', renderHtml(buildReport(...)));
 */
export function renderHtml(data: ReportData): string {
  const figures = headline(data);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(`Axillary imaging decision support: governance report, ${figures.period}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Axillary imaging decision support: governance report</h1>',
    `<p class="subtitle">${e(data.knows.variant.title)} · ${e(figures.period)}</p>`,
    '</header>',
    contents(),
    '<main>',
    summary(data, figures),
    did(data),
    answered(data, figures),
    knows(data),
    '</main>',
    `<footer><p>Generated ${e(formatDateTime(data.generatedAt))} from the ${e(data.store)} audit store, knowledge version ${e(data.knows.version)} (digest <code>${e(data.knows.digest)}</code>).</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function contents(): string {
  const links = [
    ['summary', 'Summary'],
    ['did', 'What it did'],
    ['answered', 'How clinicians answered'],
    ['knows', 'What it knows'],
  ];
  return `<nav aria-label="Contents"><ol>${links.map(([id, words]) => `<li><a href="#${id}">${words}</a></li>`).join('')}</ol></nav>`;
}

function summary(data: ReportData, f: Headline): string {
  const calls = formatCount(f.calls);
  const lead =
    f.calls === 0
      ? `${e(f.period)}: there were no hook calls in this period (<strong>${calls} hook calls</strong> audited), so there is no activity or feedback to report.`
      : `${e(f.period)}: the service received <strong>${calls} hook calls</strong>, showed ${formatCount(f.cardsShown)} ${plural(f.cardsShown, 'card')} to clinicians and, in silent mode, would have shown ${formatCount(f.wouldHaveShown)} more.`;
  const shownOf = (n: number, what: string) =>
    f.shownByCard > 0 ? `${formatCount(n)} of ${formatCount(f.shownByCard)} shown cards ${what}` : 'no card was shown';
  const tiles = [
    figure('Hook calls', calls, `${formatCount(data.did.silent.calls)} of them in silent mode`),
    figure(
      'Cards shown to clinicians',
      formatCount(f.cardsShown),
      `${formatCount(data.answered.feedbackItems)} feedback ${plural(data.answered.feedbackItems, 'item')} received`,
    ),
    figure('Would have shown (silent mode)', formatCount(f.wouldHaveShown), 'cards computed but not shown'),
    figure('Acceptance rate', formatPercent(f.acceptanceRate), shownOf(f.accepted, 'accepted')),
    figure('Override rate', formatPercent(f.overrideRate), shownOf(f.overridden, 'overridden')),
    figure(
      'Audit rows lost',
      formatCount(f.droppedAuditRows),
      f.droppedAuditRows > 0 ? 'the figures below undercount' : 'none lost',
      f.droppedAuditRows > 0,
    ),
    figure('Knowledge version', e(data.knows.version), `digest <code>${e(data.knows.digest)}</code>`),
    figure('Period', e(f.period), `generated ${e(formatDateTime(data.generatedAt))}`, false, 'text'),
  ];
  const notes: string[] = [];
  if (f.droppedAuditRows > 0) {
    notes.push(
      callout(
        'warn',
        'Audit rows lost',
        `${formatCount(f.droppedAuditRows)} audit ${plural(f.droppedAuditRows, 'row was', 'rows were')} lost in this period (store unavailable or queue full): every figure in this report may undercount by as much.`,
      ),
    );
  }
  if (data.answered.unknownCards > 0) {
    notes.push(
      callout(
        'flag',
        'Feedback for unknown cards',
        `${formatCount(data.answered.unknownCards)} feedback ${plural(data.answered.unknownCards, 'item names a card', 'items name cards')} this service did not issue in this period. See <a href="#unknown-cards">How clinicians answered</a>.`,
      ),
    );
  }
  if (f.silentServices.length > 0) {
    notes.push(
      callout(
        'info',
        'Silent mode',
        `${f.silentServices.map((s) => `<code>${e(s)}</code>`).join(', ')} ${plural(f.silentServices.length, 'runs', 'run')} in silent mode: ${plural(f.silentServices.length, 'it evaluates', 'they evaluate')} and ${plural(f.silentServices.length, 'records', 'record')} every call but ${plural(f.silentServices.length, 'shows', 'show')} no card.`,
      ),
    );
  }
  if (data.knows.caveats.length > 0) {
    notes.push(
      callout(
        'warn',
        'Decisions pending',
        `${formatCount(data.knows.caveats.length)} ${plural(data.knows.caveats.length, 'caveat needs', 'caveats need')} a committee decision: see <a href="#caveats">Caveats</a>.`,
      ),
    );
  }
  return section('summary', 'Summary', [`<p class="lead">${lead}</p>`, `<dl class="figures">${tiles.join('')}</dl>`, ...notes]);
}

function did(data: ReportData): string {
  const a = data.did;
  const doesNotApply = total(a.reasons);
  const descriptions = new Map(data.knows.exclusions.map((x) => [x.reason, x.description]));
  const readCalls = total(a.recordSources.filter((s) => s.key !== 'none'));
  return section('did', 'What it did', [
    sub('did-calls', 'Hook calls over time', [timeBarChart(a.callsPerDay, 'Hook calls per day'), callsPerDayTable(a.callsPerDay)]),
    sub('did-outcomes', 'What the service decided', [
      horizontalBarChart(
        a.outcomes.map((c) => ({ label: outcomeLabel(c.key), value: c.count })),
        'Hook calls by outcome',
        { emptyText: 'No calls in this period.' },
      ),
    ]),
    sub('did-reasons', 'Why the variant did not apply', [
      `<p>${formatCount(doesNotApply)} ${plural(doesNotApply, 'call', 'calls')} did not fit the clinical scenario, by the first exclusion found (exclusions are listed in <a href="#knows-exclusions">What it knows</a>).</p>`,
      horizontalBarChart(bars(a.reasons, humanise), 'Calls where the variant did not apply, by exclusion', {
        emptyText: 'No call was excluded.',
      }),
      a.reasons.length
        ? table(
            ['Exclusion', num('Calls'), num('Share'), 'What it means'],
            a.reasons.map((r) => [humanise(r.key), count(r.count), pct(share(r.count, doesNotApply)), descriptions.get(r.key) ?? '']),
          )
        : '',
    ]),
    sub('did-missing', 'What was missing when the record was not enough', [
      '<p>Calls where the record neither confirmed nor excluded the scenario, by the fact it lacked (one call may lack several).</p>',
      horizontalBarChart(
        bars(a.missing, (k) => missingName(data, k)),
        'Missing facts in calls with insufficient data',
        { showShare: false, emptyText: 'No call lacked data.' },
      ),
    ]),
    sub('did-cards', 'Cards by procedure and rating', [
      a.cards.length
        ? table(
            ['Procedure', 'Rating', 'Card type', num('Shown'), num('Would have shown (silent)')],
            a.cards.map((c) => [
              procedureName(data, c.procedure),
              ratingLabel(c.rating),
              indicatorLabel(c.indicator),
              count(c.shown),
              count(c.silent),
            ]),
            ['All cards', '', '', count(sum(a.cards.map((c) => c.shown))), count(sum(a.cards.map((c) => c.silent)))],
          )
        : '<p class="none">No card was issued, shown or silent.</p>',
    ]),
    sub('did-record', 'Where the record came from', [
      `<p>Fallback rate: <strong>${formatPercent(readCalls > 0 ? a.fallbackRate : undefined)}</strong> of the ${formatCount(readCalls)} calls that read the record needed the FHIR server (prefetch was missing or incomplete).</p>`,
      horizontalBarChart(bars(a.recordSources, recordSourceLabel), 'Hook calls by record source', {
        colour: PALETTE.green,
        emptyText: 'No calls in this period.',
      }),
    ]),
    sub('did-failed', 'Failed reads', [
      a.failedReads.length
        ? table(
            ['Record (prefetch key)', num('Failed reads')],
            a.failedReads.map((r) => [r.key, count(r.count)]),
          )
        : '<p class="none">No read failed.</p>',
    ]),
    sub('did-latency', 'Response time', [
      '<p>Time from request to answer. A CDS Hooks client waits a few seconds at most.</p>',
      table(
        [num('Median (p50)'), num('95th percentile'), num('99th percentile'), num('Slowest')],
        [
          [a.latencyMs.p50, a.latencyMs.p95, a.latencyMs.p99, a.latencyMs.max].map((ms) => ({
            html: a.calls > 0 ? formatMs(ms) : '—',
            numeric: true,
          })),
        ],
      ),
    ]),
    sub('did-statuses', 'Answers by HTTP status', [
      a.statuses.length
        ? table(
            ['Status', num('Calls')],
            a.statuses.map((s) => [statusLabel(s.key), count(s.count)]),
          )
        : '<p class="none">No calls in this period.</p>',
    ]),
    sub('did-dropped', 'Audit rows lost', [
      a.droppedAuditRows > 0
        ? callout(
            'warn',
            `${formatCount(a.droppedAuditRows)} audit ${plural(a.droppedAuditRows, 'row', 'rows')} lost`,
            'The audit store was unavailable or its queue was full: these calls were answered but not recorded, so every figure above may undercount.',
          )
        : '<p class="none">No audit row was lost.</p>',
    ]),
  ]);
}

function answered(data: ReportData, f: Headline): string {
  const a = data.answered;
  const overrides = a.overrideReasons.reduce((s, r) => s + r.count, 0);
  return section('answered', 'How clinicians answered', [
    `<p>${formatCount(a.cardsShown)} ${plural(a.cardsShown, 'card was', 'cards were')} shown to clinicians and ${formatCount(a.feedbackItems)} feedback ${plural(a.feedbackItems, 'item was', 'items were')} received. Rates are shares of the cards shown; “—” means no card of that kind was shown.</p>`,
    sub('answered-cards', 'Answers by card', [
      a.byCard.length
        ? table(
            [
              'Procedure',
              'Rating',
              num('Shown'),
              num('Accepted'),
              num('Overridden'),
              num('Never answered'),
              num('Acceptance rate'),
              num('Override rate'),
            ],
            a.byCard.map((c) => [
              procedureName(data, c.procedure),
              ratingLabel(c.rating),
              count(c.shown),
              count(c.accepted),
              count(c.overridden),
              count(c.unanswered),
              pct(c.shown > 0 ? c.acceptanceRate : undefined),
              pct(c.shown > 0 ? c.overrideRate : undefined),
            ]),
            [
              'All cards',
              '',
              count(f.shownByCard),
              count(f.accepted),
              count(f.overridden),
              count(f.unanswered),
              pct(f.acceptanceRate),
              pct(f.overrideRate),
            ],
          )
        : '<p class="none">No card was shown.</p>',
    ]),
    sub('answered-overrides', 'Override reasons', [
      a.overrideReasons.length
        ? table(
            [num('Rank'), 'Reason, as the card offered it', 'Code', num('Times chosen'), num('Share of overrides')],
            a.overrideReasons.map((r, i) => [
              count(i + 1),
              r.display,
              { html: `<code>${e(r.code)}</code>` },
              count(r.count),
              pct(share(r.count, overrides)),
            ]),
          ) +
          horizontalBarChart(
            a.overrideReasons.map((r) => ({ label: r.display, value: r.count })),
            'Override reasons, most used first',
            { colour: PALETTE.vermillion },
          )
        : '<p class="none">No card was overridden with a reason.</p>',
    ]),
    sub('answered-suggestions', 'Suggestions chosen', [
      a.suggestionsChosen.length
        ? table(
            ['Suggested procedure', num('Times chosen')],
            a.suggestionsChosen.map((s) => [procedureName(data, s.key), count(s.count)]),
          )
        : '<p class="none">No suggestion was chosen.</p>',
    ]),
    sub('unknown-cards', 'Feedback for unknown cards', [
      a.unknownCards > 0
        ? callout(
            'flag',
            'Flagged',
            `${formatCount(a.unknownCards)} feedback ${plural(a.unknownCards, 'item', 'items')} named a card this service did not issue in this period (or issued before the audit trail begins). Check the EHR integration: feedback may be reaching the wrong service, or audit rows may be missing.`,
          )
        : '<p class="none">None: every feedback item matched a card this service issued.</p>',
    ]),
  ]);
}

function knows(data: ReportData): string {
  const k = data.knows;
  const v = k.variant;
  return section('knows', 'What it knows', [
    sub('knows-version', 'Knowledge version', [
      `<dl class="pairs"><dt>Version</dt><dd>${e(k.version)}</dd><dt>Digest</dt><dd><code>${e(k.digest)}</code> (two deployments with the same digest hold the same knowledge)</dd></dl>`,
      k.changes.length
        ? table(
            ['Version', 'Date', 'Change'],
            k.changes.map((c) => [c.version, formatDate(c.date), c.summary]),
          )
        : '<p class="none">No change recorded.</p>',
    ]),
    sub('knows-services', 'Services', [
      table(
        ['Service', 'Hook', 'What it does', 'Mode'],
        k.services.map((s) => [
          { html: `<code>${e(s.id)}</code>` },
          s.hook,
          s.title,
          {
            html: s.silent
              ? '<strong class="mode-silent">Silent</strong>: evaluates and records, shows no card'
              : '<strong class="mode-live">Live</strong>: shows cards',
          },
        ]),
      ),
    ]),
    sub('knows-variant', 'The clinical scenario', [
      `<p>${e(v.title)} (<code>${e(v.id)}</code>, version ${e(v.version)}):</p>`,
      `<blockquote class="variant">${e(v.text)}</blockquote>`,
      `<dl class="pairs"><dt>Source</dt><dd>${link(v.source.label, v.source.url)}</dd>${v.source.citation ? `<dt>Citation</dt><dd>${e(v.source.citation)}</dd>` : ''}${v.source.secondarySource ? `<dt>Secondary source</dt><dd>${e(v.source.secondarySource)}</dd>` : ''}</dl>`,
    ]),
    sub('knows-ratings', 'Ratings', [
      table(
        ['Procedure', 'Rating', 'Radiation', 'Source', 'Review status'],
        k.ratings.map((r) => [
          r.procedure,
          { html: `<strong>${e(ratingLabel(r.category, r.disagreement))}</strong>` },
          `${r.radiationLevel} (${r.adultDose})`,
          r.source,
          { html: `<strong class="review">${e(humanise(r.reviewStatus))}</strong>${r.reviewNote ? `<br>${e(r.reviewNote)}` : ''}` },
        ]),
      ),
    ]),
    sub('knows-exclusions', 'Exclusions, in the order they are checked', [
      k.exclusions.length
        ? `<ol class="exclusions">${k.exclusions.map((x) => `<li><strong>${e(humanise(x.reason))}</strong> <code>${e(x.reason)}</code>: ${e(x.description)}<br><span class="source">Source: ${e(x.source)}</span></li>`).join('')}</ol>`
        : '<p class="none">No exclusion.</p>',
    ]),
    sub('knows-settings', 'Site settings in force', [
      k.settings.length
        ? table(
            ['Setting', num('Value'), 'What it means', 'Where it comes from'],
            k.settings.map((s) => [{ html: `<code>${e(s.name)}</code>` }, { html: e(s.value), numeric: true }, s.meaning, s.source]),
          )
        : '<p class="none">No site setting.</p>',
    ]),
    sub('caveats', 'Caveats: decisions for the committee', [
      k.caveats.length
        ? k.caveats
            .map((c) => callout('caveat', c.title, `${e(c.text)}<br><span class="source">Source: ${e(c.source)}</span>`, true))
            .join('')
        : '<p class="none">No caveat recorded.</p>',
    ]),
    sub('knows-cards', 'Card wording', [
      '<p>What each kind of card says. <code>{{…}}</code> marks a value filled in for each patient; <code>**…**</code> is bold in the EHR.</p>',
      ...k.cards.map(cardWording),
    ]),
    sub('knows-patterns', 'Text patterns', [
      '<p>Words recognised where a record has no code (regular expressions, case-insensitive; an <em>unless</em> phrase cancels a match).</p>',
      k.textPatterns.length
        ? table(
            ['Pattern', 'What it recognises', 'Matches', 'Unless', 'Source'],
            k.textPatterns.map((p) => [
              { html: `<code>${e(p.name)}</code>` },
              p.description,
              { html: codes(p.match) },
              { html: codes(p.unless) },
              p.source,
            ]),
          )
        : '<p class="none">No text pattern.</p>',
    ]),
    sub('knows-valuesets', 'Value sets', [
      `<p>${formatCount(k.valueSets.length)} value ${plural(k.valueSets.length, 'set', 'sets')}: every code the service recognises. Open a list to see its codes (open them before printing to print them).</p>`,
      ...k.valueSets.map(valueSet),
    ]),
  ]);
}

function callsPerDayTable(days: { date: string; calls: number }[]): string {
  if (days.length === 0) return '';
  return `<details><summary>Calls per day as a table (${formatCount(days.length)} ${plural(days.length, 'day', 'days')})</summary>${table(
    ['Date', num('Calls')],
    days.map((d) => [formatDate(d.date), count(d.calls)]),
  )}</details>`;
}

function cardWording(c: ReportData['knows']['cards'][number]): string {
  const list = (items: string[], none: string) =>
    items.length ? `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>` : `<p class="none">${none}</p>`;
  return (
    `<article class="card-kind"><h4>${e(humanise(c.kind))} <code>${e(c.kind)}</code></h4><dl class="pairs">` +
    `<dt>Card type</dt><dd>${e(indicatorLabel(c.indicator))}</dd>` +
    `<dt>Summary</dt><dd><p class="template">${e(c.summary)}</p></dd>` +
    `<dt>Detail</dt><dd>${c.detail.map((d) => `<p class="template">${e(d)}</p>`).join('') || '<p class="none">None.</p>'}</dd>` +
    `<dt>Suggestions</dt><dd>${list(c.suggestions, 'None.')}</dd>` +
    `<dt>Override reasons</dt><dd>${list(c.overrideReasons, 'None.')}</dd>` +
    '</dl></article>'
  );
}

function valueSet(vs: ReportData['knows']['valueSets'][number]): string {
  const sizes = `${formatCount(vs.codes.length)} ${plural(vs.codes.length, 'code', 'codes')}${vs.prefixes.length ? `, ${formatCount(vs.prefixes.length)} ${plural(vs.prefixes.length, 'prefix', 'prefixes')}` : ''}`;
  const head = ['System', 'Code', 'Display', 'Meaning', 'Source', 'Verification'];
  return (
    `<details class="value-set" id="${e(`valueset-${vs.id}`)}"><summary><strong>${e(vs.title)}</strong> — ${sizes}</summary>` +
    `<p><code>${e(vs.id)}</code>, version ${e(vs.version)}. ${e(vs.description)}</p>` +
    (vs.codes.length
      ? table(
          head,
          vs.codes.map((c) => [
            { html: `<span class="system">${e(c.system)}</span>` },
            { html: `<code>${e(c.code)}</code>` },
            c.display,
            c.meaning,
            c.source,
            c.verification,
          ]),
        )
      : '') +
    (vs.prefixes.length
      ? `<p>Codes starting with:</p>${table(
          ['System', 'Prefix', 'Display', 'Meaning', 'Source', 'Verification'],
          vs.prefixes.map((p) => [
            { html: `<span class="system">${e(p.system)}</span>` },
            { html: `<code>${e(p.prefix)}</code>` },
            p.display,
            p.meaning,
            p.source,
            p.verification,
          ]),
        )}`
      : '') +
    '</details>'
  );
}

function section(id: string, heading: string, body: string[]): string {
  return `<section id="${id}" aria-labelledby="${id}-heading">\n<h2 id="${id}-heading">${e(heading)}</h2>\n${body.filter(Boolean).join('\n')}\n</section>`;
}

function sub(id: string, heading: string, body: string[]): string {
  return `<section class="sub" id="${id}" aria-labelledby="${id}-heading"><h3 id="${id}-heading">${e(heading)}</h3>${body.filter(Boolean).join('\n')}</section>`;
}

function figure(term: string, value: string, note: string, alert = false, kind: 'number' | 'text' = 'number'): string {
  return `<div class="figure${alert ? ' alert' : ''}"><dt>${e(term)}</dt><dd><span class="value${kind === 'text' ? ' text' : ''}">${value}</span><span class="note">${note}</span></dd></div>`;
}

function callout(kind: 'warn' | 'flag' | 'info' | 'caveat', title: string, html: string, heading = false): string {
  const titleHtml = heading ? `<h4>${e(title)}</h4>` : `<strong>${e(title)}:</strong> `;
  return `<div class="callout ${kind}" role="note">${titleHtml}${heading ? `<p>${html}</p>` : html}</div>`;
}

/** A table; `totals`, when given, is a last row set apart (bold, ruled above). */
function table(head: Cell[], rows: Cell[][], totals?: Cell[]): string {
  const cell = (tag: 'th' | 'td', c: Cell) => {
    const { html, numeric } = typeof c === 'string' ? { html: e(c), numeric: false } : c;
    return `<${tag}${numeric ? ' class="num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${html}</${tag}>`;
  };
  const row = (r: Cell[], total = false) => `<tr${total ? ' class="total"' : ''}>${r.map((c) => cell('td', c)).join('')}</tr>`;
  const body = rows.map((r) => row(r)).join('') + (totals ? row(totals, true) : '');
  return `<table><thead><tr>${head.map((h) => cell('th', h)).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function num(heading: string): Cell {
  return { html: e(heading), numeric: true };
}

function count(n: number): Cell {
  return { html: formatCount(n), numeric: true };
}

function pct(rate: number | undefined): Cell {
  return { html: formatPercent(rate), numeric: true };
}

function bars(counts: Count[], label: (key: string) => string): { label: string; value: number }[] {
  return counts.map((c) => ({ label: label(c.key), value: c.count }));
}

function codes(patterns: string[]): string {
  return patterns.length ? patterns.map((p) => `<code>${e(p)}</code>`).join('<br>') : '—';
}

/** A source: a link when its address is a web address (never another scheme), with the address in print as text. */
function link(label: string, url: string): string {
  if (!/^https?:\/\/[^\s"'<>]+$/i.test(url)) return `${e(label)}${url ? ` (${e(url)})` : ''}`;
  return `<a href="${e(url)}">${e(label)}</a><br><span class="url">${e(url)}</span>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

const STYLE = `
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f3f5f7; --blue: ${PALETTE.blue}; --warn: ${PALETTE.vermillion}; --flag: ${PALETTE.orange}; --ok: ${PALETTE.green}; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 3px solid var(--blue); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
h4 { font-size: 1rem; margin: .5rem 0 .25rem; }
.subtitle { color: var(--muted); margin: 0; }
a { color: #005a8c; }
code { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: .88em; background: var(--band); padding: 0 .2em; border-radius: 3px; overflow-wrap: break-word; }
nav ol { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; list-style: none; padding: .5rem 0; margin: 1rem 0; border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); }
.lead { font-size: 1.15rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: .75rem; margin: 1rem 0; }
.figure { border: 1px solid var(--rule); border-top: 4px solid var(--blue); padding: .6rem .8rem; break-inside: avoid; }
.figure.alert { border-top-color: var(--warn); }
.figure dt { font-size: .85rem; color: var(--muted); }
.figure dd { margin: 0; }
.figure .value { display: block; font-size: 2rem; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.figure .value.text { font-size: 1.05rem; font-weight: 600; }
.figure .note { display: block; font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
.callout { border-left: 6px solid var(--blue); background: var(--band); padding: .6rem 1rem; margin: .75rem 0; break-inside: avoid; }
.callout.warn { border-left-color: var(--warn); background: #fdf0e8; }
.callout.flag { border-left-color: var(--flag); background: #fff6e0; }
.callout.caveat { border: 2px solid var(--warn); border-left-width: 8px; background: #fdf0e8; }
.callout.caveat h4 { font-size: 1.05rem; }
.callout p { margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule); overflow-wrap: break-word; }
td:first-child { min-width: 9rem; }
thead th { position: sticky; top: 0; z-index: 1; background: #e4e9ee; border-bottom: 2px solid var(--ink); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
svg.chart { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
.none { color: var(--muted); font-style: italic; }
.source, .url, .system { color: var(--muted); font-size: .85em; overflow-wrap: anywhere; }
blockquote.variant { margin: .5rem 0; padding: .75rem 1rem; border-left: 6px solid var(--blue); background: var(--band); font-size: 1.1rem; }
dl.pairs { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0; }
dl.pairs dt { font-weight: 600; }
dl.pairs dd { margin: 0; }
dl.pairs dd > p.none, dl.pairs dd > ul { margin: 0; }
.exclusions li { margin-bottom: .5rem; }
.review { color: var(--warn); }
.mode-silent { color: var(--warn); }
.mode-live { color: var(--ok); }
.card-kind { border: 1px solid var(--rule); padding: .5rem 1rem; margin: .75rem 0; break-inside: avoid; }
.template { white-space: pre-wrap; margin: 0 0 .4rem; }
details { border: 1px solid var(--rule); margin: .5rem 0; padding: .25rem .75rem; }
details[open] { padding-bottom: .75rem; }
summary { cursor: pointer; padding: .25rem 0; }
footer { margin-top: 3rem; padding-top: .5rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; }
  #did, #answered, #knows { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  tr, .figure, .callout, svg.chart { break-inside: avoid; }
  thead { display: table-header-group; }
  thead th { position: static; }
  table { font-size: 8.5pt; }
  a { color: var(--ink); text-decoration: none; }
  details::details-content { content-visibility: visible; }
}
`;
