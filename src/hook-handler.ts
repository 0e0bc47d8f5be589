import type { Logger } from 'pino';
import type { CdsResponse, HookRequest } from './cds/types';
import { renderCards } from './cards/render';
import type { SiteSettings } from './config/load';
import { decide, ratedSelections } from './engine';
import type { ClinicalSettings } from './facts/types';
import { HttpError } from './http/errors';
import type { Knowledge } from './knowledge/knowledge';
import type { ServiceDefinition, VariantDefinition } from './knowledge/types';
import { orderClassifier } from './orders/classify';
import { primaryType, readPrefetch } from './record/from-prefetch';
import { buildRecord, type RecordType } from './record/patient-record';

/**
 * The hook pipeline: classify the selected orders; if any is rated, read the record, derive the
 * facts, decide the scenario and render the cards.
 */
export function createHookHandler(knowledge: Knowledge, site: SiteSettings, logger?: Logger) {
  const classify = orderClassifier(knowledge);
  const settingsByVariant = new Map<string, ClinicalSettings>();
  const settingsFor = (variant: VariantDefinition): ClinicalSettings => {
    let settings = settingsByVariant.get(variant.id);
    if (!settings) {
      settings = {
        lastDoseCompletedAfterDays: site.lastDoseCompletedAfterDays ?? variant.criteria.chemotherapy.lastDoseCompletedAfterDays,
        maxDaysSinceEnd: site.maxDaysSinceEnd ?? variant.criteria.chemotherapy.maxDaysSinceEnd,
      };
      settingsByVariant.set(variant.id, settings);
    }
    return settings;
  };

  return async function handleHook(service: ServiceDefinition, request: HookRequest): Promise<CdsResponse> {
    const variant = knowledge.variant(service.variant);
    if (ratedSelections(request.context, variant, knowledge, classify).length === 0) return { cards: [] };

    const prefetch = readPrefetch(request.prefetch, service);
    const notObtained = [...prefetch.absent, ...prefetch.failed];
    const unavailable = new Set<RecordType>(notObtained.map((key) => primaryType(service, key)));
    const record = buildRecord(prefetch.resources, unavailable);
    const decision = decide({ record, context: request.context, knowledge, variant, settings: settingsFor(variant), now: Date.now(), classify });

    logger?.info(
      { hookInstance: request.hookInstance, variant: variant.id, knowledge: knowledge.version, outcome: decision.outcome.status, ...('reason' in decision.outcome ? { reason: decision.outcome.reason } : {}), orders: decision.orders.length },
      'decision',
    );
    if (decision.outcome.status === 'unreadable') {
      const keys = notObtained.filter((key) => decision.outcome.status === 'unreadable' && decision.outcome.unreadable.includes(primaryType(service, key)));
      throw new HttpError(412, 'incomplete', `the patient's record could not be obtained: prefetch ${keys.join(', ')} ${keys.length > 1 ? 'were' : 'was'} not provided or failed, and no fhirServer was given to read ${keys.length > 1 ? 'them' : 'it'}`, 'prefetch');
    }
    return { cards: renderCards(decision, request.context, knowledge, site) };
  };
}
