import crypto from 'node:crypto';
import type { CdsAction, CdsCard, HookRequest } from './cds/types';
import { ratingActions, consultIdOf, type Consultation } from './cards/rating-actions';
import { renderCards, unreadableRecordCards } from './cards/render';
import type { FhirLimits, SiteSettings } from './config/load';
import { GENERIC_PROFILE, type ClientProfile } from './config/profiles';
import { decide, ratedSelections, type RatedOrder } from './engine';
import type { ClinicalSettings } from './facts/types';
import { HttpError } from './errors';
import type { Knowledge } from './knowledge/knowledge';
import type { ServiceDefinition, VariantDefinition } from './knowledge/types';
import { orderClassifier, type Classification } from './orders/classify';
import { orderDigest } from './orders/order-digest';
import { collectRecord } from './record/collect';
import { checkExclusions, type ScenarioOutcome } from './scenario/decide';

/** What one hook call decided, for the answer, the log line and the audit trail (never patient data). */
export interface HookEvaluation {
  outcome: ScenarioOutcome | { status: 'no-rated-order' };
  /** The cards the decision calls for (a silent service evaluates them and answers none). */
  cards: CdsCard[];
  /** The rating written onto each rated order (Argonaut PAMA `update` actions). */
  systemActions: CdsAction[];
  orders: RatedOrder[];
  /** The consult id written onto the orders of this consultation. */
  consultId: string;
  recordSource: 'prefetch' | 'fhir' | 'both' | 'none';
  /** Prefetch keys read from the EHR's FHIR server. */
  readFromServer: string[];
  failedReads: string[];
  classify: (resource: unknown) => Classification;
}

/** Who is calling, and what the service remembers of this ordering session. */
export interface HookClient {
  profile: ClientProfile;
  /** Whether a card for this order, unchanged, was already shown in this ordering session (order-sign only). */
  alreadyShown?: (orderRef: string, digest: string, consultId: string | undefined) => Promise<boolean>;
  /** FHIR reads refuse loopback, private, link-local and metadata addresses (an EHR that declared no FHIR servers, in production). */
  guardAddresses?: boolean;
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
 * (prefetch, then the FHIR server), derive the facts, decide the scenario and render the cards and the
 * ratings written onto the orders, as the calling EHR's profile wants them.
 *
 * @example
 * const handleHook = createHookHandler(knowledge, config.site, config.fhir);
 * const { cards, systemActions, outcome } = await handleHook(service, request, logFields, { profile });
 */
export function createHookHandler(knowledge: Knowledge, site: SiteSettings, fhir: FhirLimits) {
  const classify = orderClassifier(knowledge);
  for (const service of knowledge.services) checkExclusions(knowledge.variant(service.variant));
  const settings = new Map<string, ClinicalSettings>(
    knowledge.services.map((s) => {
      const variant: VariantDefinition = knowledge.variant(s.variant);
      return [
        variant.id,
        {
          lastDoseCompletedAfterDays: site.lastDoseCompletedAfterDays ?? variant.criteria.chemotherapy.lastDoseCompletedAfterDays,
          maxDaysSinceEnd: site.maxDaysSinceEnd ?? variant.criteria.chemotherapy.maxDaysSinceEnd,
        },
      ];
    }),
  );

  return async function handleHook(
    service: ServiceDefinition,
    request: HookRequest,
    log: Record<string, unknown> = {},
    client: HookClient = { profile: GENERIC_PROFILE },
  ): Promise<HookEvaluation> {
    const variant = knowledge.variant(service.variant);
    const consultation: Consultation = { consultId: `urn:uuid:${crypto.randomUUID()}`, profile: client.profile };
    const drafts = new Map(
      (request.context.draftOrders.entry ?? []).map((e) => [`${e.resource?.resourceType}/${e.resource?.id}`, e.resource]),
    );
    const selected = request.context.selections.map((ref) => ({ ref, order: drafts.get(ref), classification: classify(drafts.get(ref)) }));
    const none = {
      cards: [],
      orders: [],
      consultId: consultation.consultId,
      recordSource: 'none' as const,
      readFromServer: [],
      failedReads: [],
      classify,
    };
    let orders = ratedSelections(request.context, variant, knowledge, classify);
    if (orders.length === 0)
      return { ...none, outcome: { status: 'no-rated-order' }, systemActions: ratingActions(undefined, selected, knowledge, consultation) };

    const alreadyShown = client.alreadyShown;
    if (service.hook === 'order-sign' && alreadyShown) {
      const repeated = await Promise.all(orders.map((o) => alreadyShown(o.ref, orderDigest(o.order), consultIdOf(o.order, knowledge))));
      orders = orders.filter((_o, i) => !repeated[i]);
      if (repeated.some(Boolean)) log.repeatedAtSign = repeated.filter(Boolean).length;
      if (orders.length === 0) return { ...none, outcome: { status: 'no-rated-order' }, systemActions: [] };
    }

    const started = Date.now();
    const { record, failures, readFromServer } = await collectRecord(
      request,
      service,
      knowledge,
      { ...fhir, guardAddresses: client.guardAddresses },
      client.profile,
    );
    const decision = decide({
      record,
      context: request.context,
      knowledge,
      variant,
      settings: settings.get(variant.id) as ClinicalSettings,
      now: Date.now(),
      classify,
      orders,
    });
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
      profile: client.profile.name,
      ...(readFromServer.length ? { readFromServer } : {}),
      ...(failures.length ? { failedReads: failures.map((f) => `${f.key}: ${f.reason}`) } : {}),
      recordMs: Date.now() - started,
    });
    const evaluation: HookEvaluation = {
      outcome,
      cards: [],
      systemActions: [],
      orders: decision.orders,
      consultId: consultation.consultId,
      recordSource,
      readFromServer,
      failedReads,
      classify,
    };
    if (outcome.status === 'unreadable') {
      if (client.profile.unreadableRecord === 'info-card')
        return { ...evaluation, cards: unreadableRecordCards(decision, failedReads, knowledge, consultation) };
      // Which keys failed, never why: the reasons (statuses, reachability) would map the network for the caller. They are in the log.
      const what = request.fhirServer
        ? `the read of ${failedReads.join(', ')} failed`
        : `the prefetch lacks ${failedReads.join(', ')} and no fhirServer was given to read them`;
      throw new UnreadableRecord(`the patient's record could not be read (${what}), so no rating is given`, evaluation);
    }
    return {
      ...evaluation,
      cards: renderCards(decision, request.context, knowledge, site, consultation),
      systemActions: ratingActions(decision, selected, knowledge, consultation),
    };
  };
}
