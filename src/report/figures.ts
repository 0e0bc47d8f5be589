import { formatDate, share } from './format';
import type { Count, ReportData } from './types';

/** Figures derived from the report data, computed once so the HTML and the Markdown say the same. */
export interface Headline {
  calls: number;
  cardsShown: number;
  /** Cards shown, summed over the card kinds: the denominator of the rates. */
  shownByCard: number;
  wouldHaveShown: number;
  accepted: number;
  overridden: number;
  unanswered: number;
  /** Accepted ÷ shown over every card kind; undefined when no card was shown. */
  acceptanceRate?: number;
  /** Overridden ÷ shown over every card kind; undefined when no card was shown. */
  overrideRate?: number;
  droppedAuditRows: number;
  silentServices: string[];
  /** The period in words, first and last day included. */
  period: string;
}

/**
 * The headline figures of a report.
 *
 * @example
 * headline(data).acceptanceRate // 0.375 when 6 of 16 shown cards were accepted
 */
export function headline(data: ReportData): Headline {
  const { answered, did } = data;
  const shownByKind = sum(answered.byCard.map((c) => c.shown));
  const accepted = sum(answered.byCard.map((c) => c.accepted));
  const overridden = sum(answered.byCard.map((c) => c.overridden));
  return {
    calls: did.calls,
    cardsShown: answered.cardsShown,
    shownByCard: shownByKind,
    wouldHaveShown: did.silent.wouldHaveShownCards,
    accepted,
    overridden,
    unanswered: sum(answered.byCard.map((c) => c.unanswered)),
    acceptanceRate: share(accepted, shownByKind),
    overrideRate: share(overridden, shownByKind),
    droppedAuditRows: did.droppedAuditRows,
    silentServices: data.knows.services.filter((s) => s.silent).map((s) => s.id),
    period: periodWords(data),
  };
}

/**
 * The period a report covers, in words; an open end is named after the first or last call.
 *
 * @example periodWords({ period: { from: '2026-12-01', to: '2026-12-01' }, ... }) // '1 Dec 2026'
 */
export function periodWords(data: ReportData): string {
  const days = data.did.callsPerDay;
  const from = data.period.from
    ? formatDate(data.period.from)
    : days.length
      ? `${formatDate(days[0].date)} (first call)`
      : 'the first call';
  const to = data.period.to
    ? formatDate(data.period.to)
    : days.length
      ? `${formatDate(days[days.length - 1].date)} (last call)`
      : 'the last call';
  return from === to ? from : `${from} to ${to}`;
}

/**
 * The sum of a list of numbers (0 for none).
 *
 * @example sum([1, 2, 3]) // 6
 */
export function sum(values: number[]): number {
  return values.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}

/**
 * The total of a list of counts.
 *
 * @example total([{ key: 'a', count: 2 }, { key: 'b', count: 3 }]) // 5
 */
export function total(counts: Count[]): number {
  return sum(counts.map((c) => c.count));
}
