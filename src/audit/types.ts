/**
 * One audited hook call, as stored: what the service knew, decided and answered, and how it read the
 * record. Never names, resource contents or tokens; patient, encounter and order ids only as keyed hashes.
 */
export interface AuditCall {
  /** A uuid for this row (not the hookInstance, which a client may reuse). */
  id: string;
  /** When the call was answered, ISO 8601 UTC. */
  at: string;
  serviceId: string;
  hook: string;
  hookInstance: string;
  issuer: string;
  tenant?: string;
  knowledgeVersion: string;
  knowledgeDigest: string;
  /** The service is silent at this site: it evaluated and audited, and answered no cards. */
  silent: boolean;
  /** The HTTP status of the answer (200, or 412 when the record could not be read). */
  status: number;
  /** applies | does-not-apply | insufficient-data | unreadable | no-rated-order */
  outcome: string;
  /** The exclusion, for does-not-apply. */
  reason?: string;
  /** The missing facts, for insufficient-data. */
  missing: string[];
  /** Record types that could not be read, for unreadable. */
  unreadable: string[];
  patientHash?: string;
  encounterHash?: string;
  /** Where the record came from: prefetch, fhir, both, or none (no rated order: nothing was read). */
  recordSource: 'prefetch' | 'fhir' | 'both' | 'none';
  /** Prefetch keys whose read failed. */
  failedReads: string[];
  latencyMs: number;
  /** One per rated order: the card issued (or, silent, that would have been), or none when the variant does not apply. */
  cards: AuditCard[];
}

export interface AuditCard {
  /** The card's uuid, as sent (feedback names it). */
  cardUuid: string;
  procedure: string;
  /** usually-appropriate | may-be-appropriate | usually-not-appropriate | insufficient-data */
  rating: string;
  indicator: string;
  /** Suggestions the card offered: their uuids (feedback names them) and the procedure each would order. */
  suggestions: { uuid: string; procedure: string }[];
  orderHash?: string;
  /** A digest of what the order asks for (code, body site, details, reason): "the same order, unchanged". */
  contentHash?: string;
  /** The consult id written onto the order with its rating. */
  consultId?: string;
}

/** What the report reads back: flat rows, the same from either store. */
export interface AuditExport {
  calls: Omit<AuditCall, 'cards' | 'patientHash' | 'encounterHash' | 'id'>[];
  cards: (AuditCard & { at: string; silent: boolean })[];
  feedback: {
    cardUuid: string;
    outcome: string;
    acceptedSuggestions: string[];
    overrideCode?: string;
    overrideDisplay?: string;
    receivedAt: string;
    knownCard: boolean;
  }[];
  drops: { at: string; rows: number; why: string }[];
}
