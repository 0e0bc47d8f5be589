import type { AuditExport } from '../audit/types';
import type { ActivitySection, Count, FeedbackSection } from './types';

/**
 * What the service did and how clinicians answered, from the audit trail's rows.
 *
 * @example const { did, answered } = activity(await store.readAudit({ from: '2026-11-01' }), { from: '2026-11-01' });
 */
export function activity(rows: AuditExport, period: { from?: string; to?: string }): { did: ActivitySection; answered: FeedbackSection } {
  return { did: whatItDid(rows, period), answered: howAnswered(rows) };
}

function whatItDid({ calls, cards, drops }: AuditExport, period: { from?: string; to?: string }): ActivitySection {
  const read = calls.filter((c) => c.recordSource !== 'none');
  const sources = count(read.map((c) => c.recordSource));
  const fromServer = read.filter((c) => c.recordSource !== 'prefetch').length;
  const cardRows = new Map<string, ActivitySection['cards'][number]>();
  for (const card of cards) {
    const key = `${card.procedure}|${card.rating}|${card.indicator}`;
    const row = cardRows.get(key) ?? { procedure: card.procedure, rating: card.rating, indicator: card.indicator, shown: 0, silent: 0 };
    if (card.silent) row.silent += 1;
    else row.shown += 1;
    cardRows.set(key, row);
  }
  const latencies = calls.map((c) => c.latencyMs).sort((a, b) => a - b);
  return {
    calls: calls.length,
    callsPerDay: perDay(
      calls.map((c) => c.at.slice(0, 10)),
      period,
    ),
    outcomes: count(calls.map((c) => c.outcome)),
    reasons: count(calls.flatMap((c) => (c.reason ? [c.reason] : []))),
    missing: count(calls.flatMap((c) => c.missing)),
    cards: [...cardRows.values()].sort((a, b) => b.shown + b.silent - (a.shown + a.silent)),
    recordSources: sources,
    fallbackRate: read.length ? fromServer / read.length : 0,
    failedReads: count(calls.flatMap((c) => c.failedReads)),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
    },
    silent: { calls: calls.filter((c) => c.silent).length, wouldHaveShownCards: cards.filter((c) => c.silent).length },
    droppedAuditRows: drops.reduce((n, d) => n + d.rows, 0),
    statuses: count(calls.map((c) => String(c.status))),
  };
}

function howAnswered({ cards, feedback }: AuditExport): FeedbackSection {
  const shown = cards.filter((c) => !c.silent);
  const byUuid = new Map<string, AuditExport['feedback']>();
  for (const f of feedback) byUuid.set(f.cardUuid, [...(byUuid.get(f.cardUuid) ?? []), f]);
  const suggestionProcedure = new Map(cards.flatMap((c) => c.suggestions.map((s) => [s.uuid, s.procedure] as const)));

  const kinds = new Map<string, FeedbackSection['byCard'][number]>();
  for (const card of shown) {
    const key = `${card.procedure}|${card.rating}`;
    const row = kinds.get(key) ?? {
      procedure: card.procedure,
      rating: card.rating,
      shown: 0,
      accepted: 0,
      overridden: 0,
      unanswered: 0,
      acceptanceRate: 0,
      overrideRate: 0,
    };
    row.shown += 1;
    const answers = byUuid.get(card.cardUuid) ?? [];
    if (answers.some((a) => a.outcome === 'accepted')) row.accepted += 1;
    else if (answers.some((a) => a.outcome === 'overridden')) row.overridden += 1;
    else row.unanswered += 1;
    kinds.set(key, row);
  }
  for (const row of kinds.values()) {
    row.acceptanceRate = row.accepted / row.shown;
    row.overrideRate = row.overridden / row.shown;
  }

  const reasons = new Map<string, { code: string; display: string; count: number }>();
  for (const f of feedback) {
    if (f.outcome !== 'overridden') continue;
    const code = f.overrideCode ?? 'none-given';
    const entry = reasons.get(code) ?? {
      code,
      display: f.overrideDisplay ?? (f.overrideCode ? f.overrideCode : 'no reason given'),
      count: 0,
    };
    entry.count += 1;
    reasons.set(code, entry);
  }
  return {
    cardsShown: shown.length,
    feedbackItems: feedback.length,
    byCard: [...kinds.values()].sort((a, b) => b.shown - a.shown),
    overrideReasons: [...reasons.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    suggestionsChosen: count(
      feedback.flatMap((f) =>
        f.outcome === 'accepted' ? f.acceptedSuggestions.map((s) => suggestionProcedure.get(s) ?? 'unknown suggestion') : [],
      ),
    ),
    unknownCards: feedback.filter((f) => !f.knownCard).length,
  };
}

/** Counts of each key, largest first. */
function count(keys: string[]): Count[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, n]) => ({ key, count: n })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Calls per day over the period (or the days that have calls), every day present so the axis is true time. */
function perDay(days: string[], period: { from?: string; to?: string }): { date: string; calls: number }[] {
  const sorted = [...days].sort();
  const first = period.from ?? sorted[0];
  const last = period.to ?? sorted[sorted.length - 1];
  if (!first || !last) return [];
  const counts = new Map(count(days).map((c) => [c.key, c.count]));
  const out: { date: string; calls: number }[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`) && out.length < 3660; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push({ date, calls: counts.get(date) ?? 0 });
  }
  return out;
}

/** Nearest-rank percentile of sorted values (0 for none). */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
