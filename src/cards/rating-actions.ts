import type { Extension, ServiceRequest } from 'fhir/r4';
import type { CdsAction } from '../cds/types';
import type { ClientProfile } from '../config/profiles';
import type { Decision, RatedOrder } from '../engine';
import type { Knowledge } from '../knowledge/knowledge';
import type { Classification } from '../orders/classify';
import { codingsOfAll } from '../facts/fhir-values';
import { targetsAxilla } from './axilla-target';

/** One consultation (hook call) of one client: the consult id written onto every order it rates. */
export interface Consultation {
  consultId: string;
  profile: ClientProfile;
}

/**
 * The rating written onto each selected order (Argonaut CDS Hooks for PAMA): a system action of type `update`
 * returning the order unchanged but for the appropriateness extensions. Rated orders of a patient the variant
 * applies to get `appropriate` or `not-appropriate` (diagnostic mammography and DBT only when the order is for
 * the axilla); imaging orders this knowledge does not cover get `no-criteria-apply`; a patient outside the
 * variant, or with insufficient data, gets no rating at all.
 *
 * @example ratingActions(decision, selected, knowledge, consultation) // [{ type: 'update', resource: { ...order, extension: [pama-rating, ...] } }]
 */
export function ratingActions(
  decision: Decision | undefined,
  selected: { ref: string; order: unknown; classification: Classification }[],
  knowledge: Knowledge,
  consultation: Consultation,
): CdsAction[] {
  const { pama } = knowledge;
  const actions: CdsAction[] = [];
  const rated = new Map((decision?.orders ?? []).map((o) => [o.ref, o]));
  for (const s of selected) {
    const order = s.order as ServiceRequest;
    if (order?.resourceType !== 'ServiceRequest' || !order.id) continue;
    const ratedOrder = rated.get(s.ref);
    let code: string | undefined;
    if (ratedOrder && decision?.outcome.status === 'applies') code = ratingCode(ratedOrder, knowledge);
    else if (!s.classification.procedure && (s.classification.matchedBy || isImagingCategory(order, knowledge)))
      code = pama.noCriteriaApply;
    if (!code) continue;
    actions.push({
      type: 'update',
      description: `Appropriateness rating (${code}) written onto the order`,
      resource: withRating(order, code, knowledge, consultation),
    });
  }
  return actions;
}

/** An order whose category says imaging (its code may be one this knowledge does not know). */
function isImagingCategory(order: ServiceRequest, knowledge: Knowledge): boolean {
  return knowledge
    .valueSet('order-categories')
    .matchAll(codingsOfAll(order.category))
    .some((m) => m.meaning === 'imaging');
}

/** The pama-rating code of a rated order, or undefined when none is written (a breast study not for the axilla). */
function ratingCode(rated: RatedOrder, knowledge: Knowledge): string | undefined {
  const template = knowledge.card(rated.rating.card);
  if (
    knowledge.pama.onlyWhenForTheAxilla.procedures.includes(rated.procedure) &&
    !(template.axillaTarget && targetsAxilla(rated.order, template.axillaTarget, knowledge))
  )
    return undefined;
  return knowledge.pama.ratingCodes[rated.rating.category];
}

/** The order with its earlier appropriateness extensions replaced by this consultation's: nothing else changes. */
export function withRating(order: ServiceRequest, code: string, knowledge: Knowledge, consultation: Consultation): ServiceRequest {
  const { extensions, codeSystem } = knowledge.pama;
  const ours = new Set(Object.values(extensions));
  const kept = (order.extension ?? []).filter((e) => !ours.has(e.url));
  const added: Extension[] = [
    { url: extensions.rating, valueCodeableConcept: { coding: [{ system: codeSystem, code }] } },
    { url: extensions.consultId, valueUri: consultation.consultId },
    ...(consultation.profile.qcdsmConsulted ? [{ url: extensions.qcdsmConsulted, valueString: consultation.profile.qcdsmConsulted }] : []),
    ...(code === knowledge.pama.noCriteriaApply
      ? []
      : [{ url: extensions.aucApplied, valueUri: knowledge.variant(knowledge.services[0].variant).source.url }]),
  ];
  return { ...order, extension: [...kept, ...added] };
}

/** The consult id an order carries from an earlier consultation, if any. */
export function consultIdOf(order: unknown, knowledge: Knowledge): string | undefined {
  const extensions = (order as { extension?: { url?: unknown; valueUri?: unknown }[] })?.extension;
  const found = Array.isArray(extensions) ? extensions.find((e) => e?.url === knowledge.pama.extensions.consultId) : undefined;
  return typeof found?.valueUri === 'string' ? found.valueUri : undefined;
}
