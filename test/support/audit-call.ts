import crypto from 'node:crypto';
import type { AuditCall } from '../../src/audit/types';

/**
 * An audit row of an order-select call that issued one FDG-PET/CT warning, as the auditor writes it.
 *
 * @example
 * await store.writeAuditCalls([auditedCall({ cardUuid: 'c1' })]);
 */
export function auditedCall({
  cardUuid = crypto.randomUUID(),
  at = new Date().toISOString(),
}: { cardUuid?: string; at?: string } = {}): AuditCall {
  return {
    id: `call-${cardUuid}`,
    at,
    serviceId: 'axilla-imaging-order-select',
    hook: 'order-select',
    hookInstance: `hook-${cardUuid}`,
    issuer: 'https://ehr.example.org',
    knowledgeVersion: 'test',
    knowledgeDigest: 'test',
    silent: false,
    status: 200,
    outcome: 'applies',
    missing: [],
    unreadable: [],
    recordSource: 'prefetch',
    failedReads: [],
    latencyMs: 1,
    cards: [{ cardUuid, procedure: 'fdg-pet-ct', rating: 'usually-not-appropriate', indicator: 'warning', suggestions: [] }],
  };
}
