import crypto from 'node:crypto';
import type { CdsCard, HookRequest } from '../cds/types';
import { APPROPRIATENESS_EXTENSION } from '../cards/render';
import type { HookEvaluation } from '../hook-handler';
import type { Knowledge } from '../knowledge/knowledge';
import type { ServiceDefinition } from '../knowledge/types';
import type { VerifiedClient } from '../security/verify';
import { orderDigest } from '../orders/order-digest';
import type { AuditCall, AuditCard } from './types';

export interface AuditInput {
  service: ServiceDefinition;
  request: HookRequest;
  client?: VerifiedClient;
  evaluation: HookEvaluation;
  status: number;
  latencyMs: number;
  silent: boolean;
}

/**
 * The audit row of one hook call, from what the pipeline decided: ids only as keyed hashes, cards by
 * their uuid, procedure and rating, each suggestion with the procedure it would order.
 *
 * @example
 * queue.push(auditCall(input, knowledge, hash));
 */
export function auditCall(input: AuditInput, knowledge: Knowledge, hash: (id: string | undefined) => string | undefined): AuditCall {
  const { service, request, client, evaluation } = input;
  const { outcome } = evaluation;
  return {
    id: crypto.randomUUID(),
    at: new Date().toISOString(),
    serviceId: service.id,
    hook: request.hook,
    hookInstance: request.hookInstance,
    issuer: client?.issuer ?? 'unknown',
    ...(client?.tenant ? { tenant: client.tenant } : {}),
    knowledgeVersion: knowledge.version,
    knowledgeDigest: knowledge.digest,
    silent: input.silent,
    status: input.status,
    outcome: outcome.status,
    ...(outcome.status === 'does-not-apply' ? { reason: outcome.reason } : {}),
    missing: outcome.status === 'insufficient-data' ? outcome.missing : [],
    unreadable: outcome.status === 'unreadable' ? outcome.unreadable : [],
    patientHash: hash(`Patient/${request.context.patientId}`),
    encounterHash: hash(request.context.encounterId ? `Encounter/${request.context.encounterId}` : undefined),
    recordSource: evaluation.recordSource,
    failedReads: evaluation.failedReads,
    latencyMs: Math.round(input.latencyMs * 100) / 100,
    cards: evaluation.cards.map((card) => auditCard(card, evaluation, (orderRef) => hash(orderKey(client?.issuer, request, orderRef)))),
  };
}

/**
 * What identifies an order across the calls of one ordering session: the EHR, the patient, the encounter (when
 * sent) and the order id. Two patients whose drafts share an id are never the same order.
 */
export function orderKey(
  issuer: string | undefined,
  request: Pick<HookRequest, 'context'>,
  orderRef: string | undefined,
): string | undefined {
  return orderRef
    ? [issuer ?? 'unknown', `Patient/${request.context.patientId}`, request.context.encounterId ?? '', orderRef].join('|')
    : undefined;
}

function auditCard(card: CdsCard, evaluation: HookEvaluation, hashOrder: (orderRef: string | undefined) => string | undefined): AuditCard {
  const contract = (card.extension?.[APPROPRIATENESS_EXTENSION] ?? {}) as { order?: string; procedure?: string; rating?: string };
  const order = evaluation.orders.find((o) => o.ref === contract.order)?.order;
  return {
    ...(order ? { contentHash: orderDigest(order) } : {}),
    consultId: evaluation.consultId,
    cardUuid: card.uuid,
    procedure: contract.procedure ?? 'unknown',
    rating: contract.rating ?? 'unknown',
    indicator: card.indicator,
    suggestions: (card.suggestions ?? []).map((s) => ({
      uuid: s.uuid,
      procedure: evaluation.classify(s.actions.find((a) => a.type === 'create')?.resource).procedure ?? 'unknown',
    })),
    orderHash: hashOrder(contract.order),
  };
}
