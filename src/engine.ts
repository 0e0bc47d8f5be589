import type { ServiceRequest } from 'fhir/r4';
import type { OrderContext } from './cds/types';
import { deriveFacts } from './facts/derive';
import { sideOf, type Side } from './facts/laterality';
import type { ClinicalFacts, ClinicalSettings } from './facts/types';
import type { Knowledge } from './knowledge/knowledge';
import type { Rating, VariantDefinition } from './knowledge/types';
import type { Classification } from './orders/classify';
import type { PatientRecord } from './record/patient-record';
import { decideScenario, type ScenarioOutcome } from './scenario/decide';

export interface RatedOrder {
  /** `ServiceRequest/<id>` as in `context.selections`. */
  ref: string;
  order: ServiceRequest;
  procedure: string;
  classification: Classification;
  rating: Rating;
  /** The side the order is for, when it says one. */
  side?: Side;
}

export interface Decision {
  variant: VariantDefinition;
  outcome: ScenarioOutcome;
  facts: ClinicalFacts;
  /** Selected orders the variant rates; a card is rendered for each when the outcome calls for one. */
  orders: RatedOrder[];
  /** Every draft order's procedure (selected or not), to avoid suggesting what is already drafted. */
  draftedProcedures: Set<string>;
  /** Rated orders for the other side only (the cancer is in the other breast): not rated for this variant. */
  otherSide: RatedOrder[];
}

/**
 * The decision, as a pure function of the record, the draft orders and the selections: which
 * selected orders the variant rates (an order for the other breast's side only is not), the patient's
 * facts, and whether the variant applies.
 *
 * @example
 * const decision = decide({ record, context, knowledge, variant, settings, now: Date.now(), classify });
 * decision.outcome.status // 'applies'
 */
export function decide(input: {
  record: PatientRecord;
  context: OrderContext;
  knowledge: Knowledge;
  variant: VariantDefinition;
  settings: ClinicalSettings;
  now: number;
  classify: (resource: unknown) => Classification;
  /** The rated selections, when the caller already has them (`ratedSelections`). */
  orders?: RatedOrder[];
}): Decision {
  const { record, context, knowledge, variant, settings, now, classify } = input;
  const orders = input.orders ?? ratedSelections(context, variant, knowledge, classify);
  const draftedProcedures = new Set<string>();
  for (const entry of context.draftOrders.entry ?? []) {
    const procedure = classify(entry.resource).procedure;
    if (procedure) draftedProcedures.add(procedure);
  }
  const facts = deriveFacts({ record, knowledge, variant, settings, now });
  const sided = orders.map((o) => ({ ...o, side: sideOf(knowledge, o.order.code, o.order.bodySite) }));
  const otherSide = sided.filter(
    (o) => o.side && facts.side && o.side !== 'bilateral' && facts.side !== 'bilateral' && o.side !== facts.side,
  );
  return {
    variant,
    outcome: decideScenario(facts, variant, settings, record.unavailable),
    facts,
    orders: sided.filter((o) => !otherSide.includes(o)),
    draftedProcedures,
    otherSide,
  };
}

/** The selected draft orders that classify to a procedure this variant rates (no record needed). */
export function ratedSelections(
  context: OrderContext,
  variant: VariantDefinition,
  knowledge: Knowledge,
  classify: (resource: unknown) => Classification,
): RatedOrder[] {
  const drafts = new Map((context.draftOrders.entry ?? []).map((e) => [`${e.resource?.resourceType}/${e.resource?.id}`, e.resource]));
  const rated: RatedOrder[] = [];
  for (const ref of new Set(context.selections)) {
    const order = drafts.get(ref);
    const classification = classify(order);
    const rating = classification.procedure ? knowledge.rating(variant.id, classification.procedure) : undefined;
    if (rating && classification.procedure)
      rated.push({ ref, order: order as ServiceRequest, procedure: classification.procedure, classification, rating });
  }
  return rated;
}
