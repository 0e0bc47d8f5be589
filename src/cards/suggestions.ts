import crypto from 'node:crypto';
import type { ServiceRequest } from 'fhir/r4';
import type { CdsSuggestion, OrderContext } from '../cds/types';
import type { Knowledge } from '../knowledge/knowledge';
import type { CardTemplate, ProcedureDefinition } from '../knowledge/types';
import type { RatedOrder } from '../engine';
import { fill } from './template';

/**
 * Suggestions of a card: `replace` deletes the selected draft and creates the alternative; `add`
 * only creates it (the selected order stays). Alternatives already drafted are not suggested again.
 */
export function suggestionsFor(
  template: CardTemplate,
  rated: RatedOrder,
  context: OrderContext,
  knowledge: Knowledge,
  draftedProcedures: Set<string>,
  reasonReferences: string[],
): CdsSuggestion[] {
  const suggestions: CdsSuggestion[] = [];
  const words = knowledge.wording.actions;
  const selected = knowledge.procedure(rated.procedure);
  for (const s of template.suggestions ?? []) {
    if (draftedProcedures.has(s.procedure)) continue;
    const alternative = knowledge.procedure(s.procedure);
    const create = { type: 'create' as const, description: fill(words.create, { procedure: alternative.name }), resource: draftServiceRequest(alternative, rated.order, context, reasonReferences) };
    const actions =
      s.action === 'replace'
        ? [{ type: 'delete' as const, description: fill(words.delete, { procedure: selected.name }), resourceId: rated.ref }, create]
        : [create];
    suggestions.push({ label: s.label, uuid: crypto.randomUUID(), ...(s.isRecommended ? { isRecommended: true } : {}), actions });
  }
  return suggestions;
}

function identified(reference: string): boolean {
  return !reference.endsWith('/unidentified');
}

/** A complete draft order for the alternative, for the same patient, encounter and requester as the selected one. */
function draftServiceRequest(procedure: ProcedureDefinition, selected: ServiceRequest, context: OrderContext, reasonReferences: string[]): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id: crypto.randomUUID(),
    status: 'draft',
    intent: selected.intent ?? 'order',
    ...(Array.isArray(selected.category) ? { category: selected.category } : {}),
    code: { coding: procedure.order.coding.map((c) => ({ ...c })), text: procedure.order.text },
    ...(procedure.order.bodySite ? { bodySite: [{ coding: [{ ...procedure.order.bodySite }] }] } : {}),
    subject: { reference: `Patient/${context.patientId}` },
    ...(context.encounterId ? { encounter: { reference: `Encounter/${context.encounterId}` } } : {}),
    ...(selected.requester?.reference ? { requester: { reference: selected.requester.reference } } : {}),
    ...(reasonReferences.some(identified) ? { reasonReference: reasonReferences.filter(identified).map((reference) => ({ reference })) } : {}),
  };
}
