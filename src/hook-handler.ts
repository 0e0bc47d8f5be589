import type { CdsResponse, HookRequest } from './cds/types';
import type { Knowledge } from './knowledge/knowledge';
import type { ServiceDefinition } from './knowledge/types';
import { orderClassifier } from './orders/classify';

/**
 * The hook pipeline: classify the selected orders; (next issues) read the record, derive facts,
 * decide the scenario, render cards. Until the clinical engine lands, a valid call answers no cards.
 */
export function createHookHandler(knowledge: Knowledge) {
  const classify = orderClassifier(knowledge);
  return async function handleHook(_service: ServiceDefinition, request: HookRequest): Promise<CdsResponse> {
    const drafts = new Map((request.context.draftOrders.entry ?? []).map((e) => [`${e.resource?.resourceType}/${e.resource?.id}`, e.resource]));
    const rated = request.context.selections.filter((ref) => classify(drafts.get(ref)).procedure !== undefined);
    if (rated.length === 0) return { cards: [] };
    return { cards: [] };
  };
}
