import type { CdsCard, HookRequest } from './cds/types';
import { renderCards } from './cards/render';
import type { FhirLimits, SiteSettings } from './config/load';
import { decide, ratedSelections, type RatedOrder } from './engine';
import type { ClinicalSettings } from './facts/types';
import { HttpError } from './errors';
import type { Knowledge } from './knowledge/knowledge';
import type { ServiceDefinition, VariantDefinition } from './knowledge/types';
import { orderClassifier, type Classification } from './orders/classify';
import { collectRecord } from './record/collect';
import { checkExclusions, type ScenarioOutcome } from './scenario/decide';

/** What one hook call decided, for the answer, the log line and the audit trail (never patient data). */
export interface HookEvaluation {
  outcome: ScenarioOutcome | { status: 'no-rated-order' };
  /** The cards the decision calls for (a silent service evaluates them and answers none). */
  cards: CdsCard[];
  orders: RatedOrder[];
  recordSource: 'prefetch' | 'fhir' | 'both' | 'none';
  failedReads: string[];
  classify: (resource: unknown) => Classification;
}

/** The record could not be read: answered 412, and audited with what was decided so far. */
export class UnreadableRecord extends HttpError {
  constructor(
    message: string,
    readonly evaluation: HookEvaluation,
  ) {
    super(412, 'incomplete', message, 'prefetch');
  }
}

/**
 * The hook pipeline: classify the selected orders; only if one is rated, collect the record
 * (prefetch, then the FHIR server), derive the facts, decide the scenario and render the cards.
 *
 * @example
 * const handleHook = createHookHandler(knowledge, config.site, config.fhir);
 * const { cards, outcome } = await handleHook(service, request, logFields);
 */
export function createHookHandler(knowledge: Knowledge, site: SiteSettings, fhir: FhirLimits) {
  const classify = orderClassifier(knowledge);
  for (const service of knowledge.services) checkExclusions(knowledge.variant(service.variant));
  const settings = new Map<string, ClinicalSettings>(
    knowledge.services.map((s) => {
      const variant: VariantDefinition = knowledge.variant(s.variant);
      return [variant.id, { lastDoseCompletedAfterDays: site.lastDoseCompletedAfterDays ?? variant.criteria.chemotherapy.lastDoseCompletedAfterDays, maxDaysSinceEnd: site.maxDaysSinceEnd ?? variant.criteria.chemotherapy.maxDaysSinceEnd }];
    }),
  );

  return async function handleHook(service: ServiceDefinition, request: HookRequest, log: Record<string, unknown> = {}): Promise<HookEvaluation> {
    const variant = knowledge.variant(service.variant);
    const orders = ratedSelections(request.context, variant, knowledge, classify);
    if (orders.length === 0) return { outcome: { status: 'no-rated-order' }, cards: [], orders, recordSource: 'none', failedReads: [], classify };

    const started = Date.now();
    const { record, failures, readFromServer } = await collectRecord(request, service, knowledge, fhir);
    const decision = decide({ record, context: request.context, knowledge, variant, settings: settings.get(variant.id) as ClinicalSettings, now: Date.now(), classify, orders });
    const { outcome } = decision;
    const keys = Object.keys(service.prefetch).length;
    const recordSource = readFromServer.length === 0 ? 'prefetch' : readFromServer.length >= keys ? 'fhir' : 'both';
    const failedReads = [...new Set(failures.map((f) => f.key))];

    Object.assign(log, {
      variant: variant.id,
      outcome: outcome.status,
      ...(outcome.status === 'does-not-apply' ? { reason: outcome.reason } : {}),
      ...(outcome.status === 'insufficient-data' ? { missing: outcome.missing } : {}),
      orders: decision.orders.length,
      ...(readFromServer.length ? { readFromServer } : {}),
      ...(failures.length ? { failedReads: failures.map((f) => `${f.key}: ${f.reason}`) } : {}),
      recordMs: Date.now() - started,
    });
    const evaluation: HookEvaluation = { outcome, cards: [], orders: decision.orders, recordSource, failedReads, classify };
    if (outcome.status === 'unreadable') {
      const why = failures.map((f) => `${f.key} (${f.reason})`).join('; ');
      throw new UnreadableRecord(`the patient's record could not be read, so no rating is given: ${why}`, evaluation);
    }
    return { ...evaluation, cards: renderCards(decision, request.context, knowledge, site) };
  };
}
