import crypto from 'node:crypto';
import type { ServiceRequest } from 'fhir/r4';
import type { CdsAction, CdsSuggestion, OrderContext } from '../cds/types';
import { withRating, type Consultation } from './rating-actions';
import type { Knowledge } from '../knowledge/knowledge';
import type { CardTemplate, ProcedureDefinition } from '../knowledge/types';
import type { RatedOrder } from '../engine';
import { fill } from './template';

/**
 * Suggestions of a card: `replace` deletes the selected draft and creates the alternative (or, for clients
 * that apply only updates, updates the selected draft into the alternative); `add` only creates it (the
 * selected order stays). Each alternative carries its own rating. Alternatives already drafted are not
 * suggested again.
 */
export function suggestionsFor(
  template: CardTemplate,
  rated: RatedOrder,
  context: OrderContext,
  knowledge: Knowledge,
  draftedProcedures: Set<string>,
  reasonReferences: string[],
  consultation: Consultation,
  variantId: string,
): CdsSuggestion[] {
  const suggestions: CdsSuggestion[] = [];
  const words = knowledge.wording.actions;
  const selected = knowledge.procedure(rated.procedure);
  for (const s of template.suggestions ?? []) {
    if (draftedProcedures.has(s.procedure)) continue;
    const alternative = knowledge.procedure(s.procedure);
    const rating = knowledge.rating(variantId, s.procedure);
    const rate = (order: ServiceRequest) =>
      rating ? withRating(order, knowledge.pama.ratingCodes[rating.category], knowledge, consultation) : order;
    let actions: CdsAction[];
    if (s.action === 'replace' && consultation.profile.replacement === 'update') {
      actions = [
        {
          type: 'update',
          description: fill(words.update, { procedure: selected.name, alternative: alternative.name }),
          resource: rate(replacedOrder(alternative, rated.order)),
        },
      ];
    } else {
      const create: CdsAction = {
        type: 'create',
        description: fill(words.create, { procedure: alternative.name }),
        resource: rate(draftServiceRequest(alternative, rated.order, context, reasonReferences)),
      };
      actions =
        s.action === 'replace'
          ? [{ type: 'delete', description: fill(words.delete, { procedure: selected.name }), resourceId: rated.ref }, create]
          : [create];
    }
    suggestions.push({ label: s.label, uuid: crypto.randomUUID(), ...(s.isRecommended ? { isRecommended: true } : {}), actions });
  }
  return suggestions;
}

/** The selected draft turned into the alternative: the same order (id, subject, requester, reason), another procedure. */
function replacedOrder(procedure: ProcedureDefinition, selected: ServiceRequest): ServiceRequest {
  const { bodySite: _bodySite, orderDetail: _orderDetail, ...rest } = selected;
  return {
    ...rest,
    code: { coding: procedure.order.coding.map((c) => ({ ...c })), text: procedure.order.text },
    ...(procedure.order.bodySite ? { bodySite: [{ coding: [{ ...procedure.order.bodySite }] }] } : {}),
    // Clients that apply an update read the reason of the order (the CDS Hooks sandbox throws without one).
    reasonCode: selected.reasonCode?.length
      ? selected.reasonCode
      : [{ text: 'Breast cancer: axillary restaging after neoadjuvant chemotherapy' }],
  };
}

function identified(reference: string): boolean {
  return !reference.endsWith('/unidentified');
}

/** A complete draft order for the alternative, for the same patient, encounter and requester as the selected one. */
function draftServiceRequest(
  procedure: ProcedureDefinition,
  selected: ServiceRequest,
  context: OrderContext,
  reasonReferences: string[],
): ServiceRequest {
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
    ...(reasonReferences.some(identified)
      ? { reasonReference: reasonReferences.filter(identified).map((reference) => ({ reference })) }
      : {}),
  };
}
