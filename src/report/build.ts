import type { Config } from '../config/load';
import type { Knowledge } from '../knowledge/knowledge';
import type { Store } from '../store/store';
import { activity } from './activity';
import { knowledgeSection } from './knowledge-section';
import type { ReportData } from './types';

/**
 * The governance report's figures: what the service knows (knowledge and settings in force), what it did
 * and how clinicians answered (the audit trail of the configured store) over a period of days.
 *
 * @example
 * const data = await buildReport({ knowledge, config, store, period: { from: '2026-11-01', to: '2026-11-30' } });
 * fs.writeFileSync('report.html', renderHtml(data));
 */
export async function buildReport(input: {
  knowledge: Knowledge;
  config: Pick<Config, 'site' | 'governance'>;
  store: Store;
  period: { from?: string; to?: string };
}): Promise<ReportData> {
  const rows = await input.store.readAudit(input.period);
  return {
    generatedAt: new Date().toISOString(),
    period: input.period,
    store: input.store.engine,
    knows: knowledgeSection(input.knowledge, input.config),
    ...activity(rows, input.period),
  };
}

/** A period's day as the report takes it (YYYY-MM-DD, a real date), or an error message. */
export function periodDay(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
  ) {
    throw new Error(`${name} must be a date as YYYY-MM-DD (got "${value}")`);
  }
  return value;
}
