import crypto from 'node:crypto';
import type { CdsCard, OrderContext } from '../cds/types';
import type { Decision, RatedOrder } from '../engine';
import type { Knowledge } from '../knowledge/knowledge';
import type { Rating, VariantDefinition } from '../knowledge/types';
import { targetsAxilla } from './axilla-target';
import { allEvidence, factsMarkdown } from './facts-markdown';
import { suggestionsFor } from './suggestions';
import type { Consultation } from './rating-actions';
import { GENERIC_PROFILE } from '../config/profiles';
import { boundSummary, fill } from './template';

export interface CardSettings {
  /** Info cards naming what is missing when the record neither confirms nor excludes the variant. */
  insufficientDataCards: boolean;
  /** `info`: breast studies (mammography, DBT) always get an info card, even when the order is for the axilla. */
  breastStudyIndicator: 'auto' | 'info';
}

/** The machine-readable entry every card carries: the service's stable contract. */
export const APPROPRIATENESS_EXTENSION = 'axilla-cds.appropriateness';

/**
 * One card per selected rated order when the variant applies (or, if enabled, when data is
 * insufficient); none otherwise.
 *
 * @example
 * const cards = renderCards(decide(...), request.context, knowledge, settings);
 */
export function renderCards(
  decision: Decision,
  context: OrderContext,
  knowledge: Knowledge,
  settings: CardSettings,
  consultation: Consultation = genericConsultation(),
): CdsCard[] {
  const { outcome } = decision;
  const wantsCards = outcome.status === 'applies' || (outcome.status === 'insufficient-data' && settings.insufficientDataCards);
  if (!wantsCards) return [];
  // The facts read the same on every card of the call: written once.
  const facts = factsMarkdown(decision.facts, knowledge.wording);
  if (outcome.status === 'applies')
    return decision.orders.map((o) => ratingCard(decision, o, context, knowledge, settings, facts, consultation));
  return decision.orders.map((o) =>
    insufficientDataCard(decision, o, outcome.status === 'insufficient-data' ? outcome.missing : [], knowledge, facts, consultation),
  );
}

function ratingCard(
  decision: Decision,
  rated: RatedOrder,
  context: OrderContext,
  knowledge: Knowledge,
  settings: CardSettings,
  facts: string,
  consultation: Consultation,
): CdsCard {
  const template = knowledge.card(rated.rating.card);
  const values = placeholders(decision, rated, knowledge, facts);
  const detail = template.detail.map((d) => fill(d, values));
  const note = decision.facts.clippedNode ? template.notes?.clippedNode : template.notes?.noClippedNode;
  if (note) detail.push(fill(note, values));
  const review = knowledge.wording.reviewStatus?.[rated.rating.reviewStatus.status];
  if (review) detail.push(review);

  let indicator = template.indicator;
  if (template.axillaTarget && settings.breastStudyIndicator !== 'info' && targetsAxilla(rated.order, template.axillaTarget, knowledge)) {
    indicator = template.axillaTarget.indicator;
  }
  const suggestions = suggestionsFor(
    template,
    rated,
    context,
    knowledge,
    decision.draftedProcedures,
    decision.facts.breastCancer.evidence,
    consultation,
    decision.variant.id,
  );
  const system = knowledge.wording.overrideReasonSystem;
  return {
    uuid: crypto.randomUUID(),
    summary: boundSummary(fill(template.summary, values)),
    indicator,
    detail: detail.join('\n\n'),
    source: source(decision.variant),
    ...(suggestions.length ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(template.overrideReasons?.length
      ? { overrideReasons: template.overrideReasons.map((r) => ({ system, code: r.code, display: r.display })) }
      : {}),
    ...(consultation.profile.links === false ? {} : { links: links(decision.variant, knowledge) }),
    extension: { [APPROPRIATENESS_EXTENSION]: contract(decision, rated, knowledge, rated.rating.category, []) },
  };
}

/** A consultation for callers outside a hook call (case review, tests): the spec's behaviour, a fresh consult id. */
export function genericConsultation(): Consultation {
  return { consultId: `urn:uuid:${crypto.randomUUID()}`, profile: GENERIC_PROFILE };
}

/**
 * For clients that show a 412 as "all clear": one info card per rated order saying no rating was given because
 * the record could not be read, and what could not be read.
 */
export function unreadableRecordCards(
  decision: Decision,
  unreadable: string[],
  knowledge: Knowledge,
  consultation: Consultation,
): CdsCard[] {
  return decision.orders.map((rated) => {
    const values = { ...placeholders(decision, rated, knowledge, ''), unreadable: unreadable.join(', ') };
    return notRatedCard('unreadable-record', values, decision, rated, knowledge, consultation, 'unreadable', []);
  });
}

function insufficientDataCard(
  decision: Decision,
  rated: RatedOrder,
  missing: string[],
  knowledge: Knowledge,
  facts: string,
  consultation: Consultation,
): CdsCard {
  const words = knowledge.wording.missing;
  const values = {
    ...placeholders(decision, rated, knowledge, facts),
    missing: missing.map((m) => `- ${words[m].long}`).join('\n'),
    missingShort: missing.map((m) => words[m].short).join(' and '),
  };
  return notRatedCard('insufficient-data', values, decision, rated, knowledge, consultation, 'insufficient-data', missing);
}

/** A card that gives no rating (its template's wording only, no suggestions): the record is unreadable or incomplete. */
function notRatedCard(
  templateId: string,
  values: Record<string, string>,
  decision: Decision,
  rated: RatedOrder,
  knowledge: Knowledge,
  consultation: Consultation,
  rating: string,
  missing: string[],
): CdsCard {
  const template = knowledge.card(templateId);
  return {
    uuid: crypto.randomUUID(),
    summary: boundSummary(fill(template.summary, values)),
    indicator: template.indicator,
    detail: template.detail.map((d) => fill(d, values)).join('\n\n'),
    source: source(decision.variant),
    ...(consultation.profile.links === false ? {} : { links: links(decision.variant, knowledge) }),
    extension: { [APPROPRIATENESS_EXTENSION]: contract(decision, rated, knowledge, rating, missing) },
  };
}

function placeholders(decision: Decision, rated: RatedOrder, knowledge: Knowledge, facts: string): Record<string, string> {
  const procedure = knowledge.procedure(rated.procedure);
  const { variant } = decision;
  return {
    procedure: rated.side ? `${procedure.shortName} (${rated.side})` : procedure.shortName,
    procedureName: procedure.name,
    rating: ratingLabel(rated.rating, knowledge),
    radiation: `${rated.rating.radiation.level} ${rated.rating.radiation.adultDose}`,
    dose: rated.rating.radiation.adultDose,
    variantTitle: `${variant.topic.title}, variant ${variant.variant}`,
    facts,
    clipDate: decision.facts.clippedNode?.date ?? 'date not recorded',
  };
}

function ratingLabel(rating: Rating, knowledge: Knowledge): string {
  return knowledge.wording.ratings[rating.category] + (rating.disagreement ? knowledge.wording.ratings.disagreementSuffix : '');
}

function source(variant: VariantDefinition): CdsCard['source'] {
  return { label: variant.source.label, url: variant.source.url, topic: { ...variant.cardTopic } };
}

function links(variant: VariantDefinition, knowledge: Knowledge): NonNullable<CdsCard['links']> {
  const out: NonNullable<CdsCard['links']> = [{ label: knowledge.wording.links.guidance, url: variant.source.url, type: 'absolute' }];
  if (variant.source.narrativeUrl)
    out.push({ label: knowledge.wording.links.narrative, url: variant.source.narrativeUrl, type: 'absolute' });
  return out;
}

function contract(decision: Decision, rated: RatedOrder, knowledge: Knowledge, rating: string, missing: string[]): Record<string, unknown> {
  return {
    order: rated.ref,
    procedure: rated.procedure,
    rating,
    disagreement: rated.rating.disagreement,
    variant: `${decision.variant.topic.id}/${decision.variant.variant}`,
    knowledgeVersion: knowledge.version,
    evidence: allEvidence(decision.facts),
    ...(missing.length ? { missing } : {}),
  };
}
