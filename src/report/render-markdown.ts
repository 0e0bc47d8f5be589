import { headline, sum, total, type Headline } from './figures';
import { formatCount, formatDate, formatDateTime, formatMs, formatPercent, humanise, NOT_APPLICABLE, share } from './format';
import { indicatorLabel, missingName, outcomeLabel, procedureName, ratingLabel, recordSourceLabel, statusLabel } from './labels';
import type { Count, ReportData } from './types';

/**
 * The governance report as Markdown: the same figures and sections as the HTML page, tables instead of
 * charts. Every string from the data is escaped, so none can become a link, an image or raw HTML.
 *
 * @example
 * fs.writeFileSync('report.md', renderMarkdown(buildReport(...)));
 */
export function renderMarkdown(data: ReportData): string {
  const f = headline(data);
  return [
    '# Axillary imaging decision support: governance report',
    lead(data, f),
    `${md(data.knows.variant.title)}. Generated ${md(formatDateTime(data.generatedAt))} from the ${md(data.store)} audit store.`,
    ...summary(data, f),
    ...did(data),
    ...answered(data, f),
    ...knows(data),
  ]
    .join('\n\n')
    .concat('\n');
}

/**
 * Markdown text that reads as itself: characters Markdown or HTML would act on are backslash-escaped, and
 * line breaks become spaces (the text may sit in a table cell).
 *
 * @example md('a|b <script>') // 'a\\|b \\<script\\>'
 */
export function md(text: string): string {
  return String(text)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>#|~&]/g, '\\$&');
}

function lead(data: ReportData, f: Headline): string {
  const calls = `**${formatCount(f.calls)} hook calls**`;
  if (f.calls === 0)
    return `${md(f.period)}: there were no hook calls in this period (${calls} audited), so there is no activity or feedback to report.`;
  return `${md(f.period)}: the service received ${calls}, showed ${formatCount(f.cardsShown)} ${plural(f.cardsShown, 'card')} to clinicians and, in silent mode, would have shown ${formatCount(f.wouldHaveShown)} more.`;
}

function summary(data: ReportData, f: Headline): string[] {
  const rows: string[][] = [
    ['Hook calls', formatCount(f.calls), `${formatCount(data.did.silent.calls)} of them in silent mode`],
    [
      'Cards shown to clinicians',
      formatCount(f.cardsShown),
      `${formatCount(data.answered.feedbackItems)} feedback ${plural(data.answered.feedbackItems, 'item')} received`,
    ],
    ['Would have shown (silent mode)', formatCount(f.wouldHaveShown), 'cards computed but not shown'],
    [
      'Acceptance rate',
      formatPercent(f.acceptanceRate),
      f.shownByCard > 0 ? `${formatCount(f.accepted)} of ${formatCount(f.shownByCard)} shown cards accepted` : 'no card was shown',
    ],
    [
      'Override rate',
      formatPercent(f.overrideRate),
      f.shownByCard > 0 ? `${formatCount(f.overridden)} of ${formatCount(f.shownByCard)} shown cards overridden` : 'no card was shown',
    ],
    ['Audit rows lost', formatCount(f.droppedAuditRows), f.droppedAuditRows > 0 ? '**the figures below undercount**' : 'none lost'],
    ['Knowledge version', md(data.knows.version), `digest ${md(data.knows.digest)}`],
    ['Period', md(f.period), ''],
  ];
  const notes: string[] = [];
  if (f.droppedAuditRows > 0)
    notes.push(
      `> **Audit rows lost:** ${formatCount(f.droppedAuditRows)} audit ${plural(f.droppedAuditRows, 'row was', 'rows were')} lost in this period (store unavailable or queue full): every figure in this report may undercount by as much.`,
    );
  if (data.answered.unknownCards > 0)
    notes.push(
      `> **Flagged:** ${formatCount(data.answered.unknownCards)} feedback ${plural(data.answered.unknownCards, 'item names a card', 'items name cards')} this service did not issue in this period.`,
    );
  if (f.silentServices.length > 0)
    notes.push(
      `> **Silent mode:** ${f.silentServices.map(md).join(', ')} ${plural(f.silentServices.length, 'evaluates and records every call but shows', 'evaluate and record every call but show')} no card.`,
    );
  if (data.knows.caveats.length > 0)
    notes.push(
      `> **Decisions pending:** ${formatCount(data.knows.caveats.length)} ${plural(data.knows.caveats.length, 'caveat needs', 'caveats need')} a committee decision (see Caveats).`,
    );
  return ['## Summary', table(['Figure', 'Value', 'Note'], rows, [false, true, false]), ...notes];
}

function did(data: ReportData): string[] {
  const a = data.did;
  const doesNotApply = total(a.reasons);
  const readCalls = total(a.recordSources.filter((s) => s.key !== 'none'));
  const descriptions = new Map(data.knows.exclusions.map((x) => [x.reason, x.description]));
  return [
    '## What it did',
    '### Hook calls over time',
    a.callsPerDay.length
      ? table(
          ['Date', 'Calls'],
          a.callsPerDay.map((d) => [md(formatDate(d.date)), formatCount(d.calls)]),
          [false, true],
        )
      : none('No calls in this period.'),
    '### What the service decided',
    counts(a.outcomes, 'Outcome', 'Calls', outcomeLabel, 'No calls in this period.'),
    '### Why the variant did not apply',
    `${formatCount(doesNotApply)} ${plural(doesNotApply, 'call', 'calls')} did not fit the clinical scenario, by the first exclusion found.`,
    a.reasons.length
      ? table(
          ['Exclusion', 'Calls', 'Share', 'What it means'],
          a.reasons.map((r) => [
            md(humanise(r.key)),
            formatCount(r.count),
            formatPercent(share(r.count, doesNotApply)),
            md(descriptions.get(r.key) ?? ''),
          ]),
          [false, true, true, false],
        )
      : none('No call was excluded.'),
    '### What was missing when the record was not enough',
    counts(a.missing, 'Missing fact', 'Calls', (k) => missingName(data, k), 'No call lacked data.', false),
    '### Cards by procedure and rating',
    a.cards.length
      ? table(
          ['Procedure', 'Rating', 'Card type', 'Shown', 'Would have shown (silent)'],
          [
            ...a.cards.map((c) => [
              md(procedureName(data, c.procedure)),
              md(ratingLabel(c.rating)),
              md(indicatorLabel(c.indicator)),
              formatCount(c.shown),
              formatCount(c.silent),
            ]),
            [
              '**All cards**',
              '',
              '',
              `**${formatCount(sum(a.cards.map((c) => c.shown)))}**`,
              `**${formatCount(sum(a.cards.map((c) => c.silent)))}**`,
            ],
          ],
          [false, false, false, true, true],
        )
      : none('No card was issued, shown or silent.'),
    '### Where the record came from',
    `Fallback rate: **${formatPercent(readCalls > 0 ? a.fallbackRate : undefined)}** of the ${formatCount(readCalls)} calls that read the record needed the FHIR server.`,
    counts(a.recordSources, 'Record source', 'Calls', recordSourceLabel, 'No calls in this period.'),
    '### Failed reads',
    a.failedReads.length ? counts(a.failedReads, 'Record (prefetch key)', 'Failed reads', (k) => k, '', false) : none('No read failed.'),
    '### Response time',
    table(
      ['Median (p50)', '95th percentile', '99th percentile', 'Slowest'],
      [[a.latencyMs.p50, a.latencyMs.p95, a.latencyMs.p99, a.latencyMs.max].map((ms) => (a.calls > 0 ? formatMs(ms) : NOT_APPLICABLE))],
      [true, true, true, true],
    ),
    '### Answers by HTTP status',
    counts(a.statuses, 'Status', 'Calls', statusLabel, 'No calls in this period.', false),
    '### Audit rows lost',
    a.droppedAuditRows > 0
      ? `> **${formatCount(a.droppedAuditRows)} audit ${plural(a.droppedAuditRows, 'row', 'rows')} lost:** the audit store was unavailable or its queue was full; these calls were answered but not recorded, so every figure above may undercount.`
      : none('No audit row was lost.'),
  ];
}

function answered(data: ReportData, f: Headline): string[] {
  const a = data.answered;
  const overrides = sum(a.overrideReasons.map((r) => r.count));
  return [
    '## How clinicians answered',
    `${formatCount(a.cardsShown)} ${plural(a.cardsShown, 'card was', 'cards were')} shown to clinicians and ${formatCount(a.feedbackItems)} feedback ${plural(a.feedbackItems, 'item was', 'items were')} received. Rates are shares of the cards shown; “${NOT_APPLICABLE}” means no card of that kind was shown.`,
    '### Answers by card',
    a.byCard.length
      ? table(
          ['Procedure', 'Rating', 'Shown', 'Accepted', 'Overridden', 'Never answered', 'Acceptance rate', 'Override rate'],
          [
            ...a.byCard.map((c) => [
              md(procedureName(data, c.procedure)),
              md(ratingLabel(c.rating)),
              formatCount(c.shown),
              formatCount(c.accepted),
              formatCount(c.overridden),
              formatCount(c.unanswered),
              formatPercent(c.shown > 0 ? c.acceptanceRate : undefined),
              formatPercent(c.shown > 0 ? c.overrideRate : undefined),
            ]),
            [
              '**All cards**',
              '',
              ...[f.shownByCard, f.accepted, f.overridden, f.unanswered].map((n) => `**${formatCount(n)}**`),
              `**${formatPercent(f.acceptanceRate)}**`,
              `**${formatPercent(f.overrideRate)}**`,
            ],
          ],
          [false, false, true, true, true, true, true, true],
        )
      : none('No card was shown.'),
    '### Override reasons',
    a.overrideReasons.length
      ? table(
          ['Rank', 'Reason, as the card offered it', 'Code', 'Times chosen', 'Share of overrides'],
          a.overrideReasons.map((r, i) => [
            String(i + 1),
            md(r.display),
            md(r.code),
            formatCount(r.count),
            formatPercent(share(r.count, overrides)),
          ]),
          [true, false, false, true, true],
        )
      : none('No card was overridden with a reason.'),
    '### Suggestions chosen',
    a.suggestionsChosen.length
      ? counts(a.suggestionsChosen, 'Suggested procedure', 'Times chosen', (k) => procedureName(data, k), '', false)
      : none('No suggestion was chosen.'),
    '### Feedback for unknown cards',
    a.unknownCards > 0
      ? `> **Flagged: ${formatCount(a.unknownCards)} feedback ${plural(a.unknownCards, 'item', 'items')}** named a card this service did not issue in this period (or issued before the audit trail begins). Check the EHR integration: feedback may be reaching the wrong service, or audit rows may be missing.`
      : none('None: every feedback item matched a card this service issued.'),
  ];
}

function knows(data: ReportData): string[] {
  const k = data.knows;
  const v = k.variant;
  return [
    '## What it knows',
    '### Knowledge version',
    `Version **${md(k.version)}**, digest ${md(k.digest)} (two deployments with the same digest hold the same knowledge).`,
    k.changes.length
      ? table(
          ['Version', 'Date', 'Change'],
          k.changes.map((c) => [md(c.version), md(formatDate(c.date)), md(c.summary)]),
        )
      : none('No change recorded.'),
    '### Services',
    table(
      ['Service', 'Hook', 'What it does', 'Mode'],
      k.services.map((s) => [
        md(s.id),
        md(s.hook),
        md(s.title),
        s.silent ? '**Silent**: evaluates and records, shows no card' : '**Live**: shows cards',
      ]),
    ),
    '### The clinical scenario',
    `${md(v.title)} (${md(v.id)}, version ${md(v.version)}):`,
    `> ${md(v.text)}`,
    [
      `- **Source:** ${md(v.source.label)}, ${md(v.source.url)}`,
      ...(v.source.citation ? [`- **Citation:** ${md(v.source.citation)}`] : []),
      ...(v.source.secondarySource ? [`- **Secondary source:** ${md(v.source.secondarySource)}`] : []),
    ].join('\n'),
    '### Ratings',
    table(
      ['Procedure', 'Rating', 'Radiation', 'Source', 'Review status'],
      k.ratings.map((r) => [
        md(r.procedure),
        `**${md(ratingLabel(r.category, r.disagreement))}**`,
        md(`${r.radiationLevel} (${r.adultDose})`),
        md(r.source),
        `**${md(humanise(r.reviewStatus))}**${r.reviewNote ? `: ${md(r.reviewNote)}` : ''}`,
      ]),
    ),
    '### Exclusions, in the order they are checked',
    k.exclusions.length
      ? k.exclusions
          .map((x, i) => `${i + 1}. **${md(humanise(x.reason))}** (${md(x.reason)}): ${md(x.description)} Source: ${md(x.source)}`)
          .join('\n')
      : none('No exclusion.'),
    '### Site settings in force',
    k.settings.length
      ? table(
          ['Setting', 'Value', 'What it means', 'Where it comes from'],
          k.settings.map((s) => [md(s.name), md(s.value), md(s.meaning), md(s.source)]),
        )
      : none('No site setting.'),
    '### Caveats: decisions for the committee',
    k.caveats.length
      ? k.caveats.map((c) => `> **${md(c.title)}**\n>\n> ${md(c.text)}\n>\n> Source: ${md(c.source)}`).join('\n\n')
      : none('No caveat recorded.'),
    '### Card wording',
    'What each kind of card says, as written (placeholders in double braces are filled in for each patient).',
    ...k.cards.map(cardWording),
    '### Text patterns',
    k.textPatterns.length
      ? table(
          ['Pattern', 'What it recognises', 'Matches', 'Unless', 'Source'],
          k.textPatterns.map((p) => [
            md(p.name),
            md(p.description),
            p.match.map(md).join('; '),
            p.unless.length ? p.unless.map(md).join('; ') : NOT_APPLICABLE,
            md(p.source),
          ]),
        )
      : none('No text pattern.'),
    '### Value sets',
    `${formatCount(k.valueSets.length)} value ${plural(k.valueSets.length, 'set', 'sets')}: every code the service recognises.`,
    ...k.valueSets.flatMap(valueSet),
  ];
}

function cardWording(c: ReportData['knows']['cards'][number]): string {
  const list = (items: string[]) => (items.length ? items.map((i) => `  - ${md(i)}`).join('\n') : '  - none');
  return [
    `#### ${md(humanise(c.kind))} (${md(c.kind)})`,
    '',
    `- **Card type:** ${md(indicatorLabel(c.indicator))}`,
    `- **Summary:** ${md(c.summary)}`,
    `- **Detail:**`,
    c.detail.length ? c.detail.map((d) => `  - ${md(d)}`).join('\n') : '  - none',
    `- **Suggestions:**`,
    list(c.suggestions),
    `- **Override reasons:**`,
    list(c.overrideReasons),
  ].join('\n');
}

function valueSet(vs: ReportData['knows']['valueSets'][number]): string[] {
  const sizes = `${formatCount(vs.codes.length)} ${plural(vs.codes.length, 'code', 'codes')}${vs.prefixes.length ? `, ${formatCount(vs.prefixes.length)} ${plural(vs.prefixes.length, 'prefix', 'prefixes')}` : ''}`;
  return [
    `#### ${md(vs.title)} (${sizes})`,
    `${md(vs.id)}, version ${md(vs.version)}. ${md(vs.description)}`,
    ...(vs.codes.length
      ? [
          table(
            ['System', 'Code', 'Display', 'Meaning', 'Source', 'Verification'],
            vs.codes.map((c) => [c.system, c.code, c.display, c.meaning, c.source, c.verification].map(md)),
          ),
        ]
      : []),
    ...(vs.prefixes.length
      ? [
          'Codes starting with:',
          table(
            ['System', 'Prefix', 'Display', 'Meaning', 'Source', 'Verification'],
            vs.prefixes.map((p) => [p.system, p.prefix, p.display, p.meaning, p.source, p.verification].map(md)),
          ),
        ]
      : []),
  ];
}

function counts(items: Count[], what: string, unit: string, label: (key: string) => string, empty: string, withShare = true): string {
  if (!items.length) return none(empty);
  const all = total(items);
  return withShare
    ? table(
        [what, unit, 'Share'],
        items.map((c) => [md(label(c.key)), formatCount(c.count), formatPercent(share(c.count, all))]),
        [false, true, true],
      )
    : table(
        [what, unit],
        items.map((c) => [md(label(c.key)), formatCount(c.count)]),
        [false, true],
      );
}

/** A Markdown table; cells are already Markdown (escaped by the caller). */
function table(head: string[], rows: string[][], numeric: boolean[] = []): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`;
  return [line(head.map(md)), line(head.map((_h, i) => (numeric[i] ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function none(text: string): string {
  return `_${text}_`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}
