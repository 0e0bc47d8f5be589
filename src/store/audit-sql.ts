import type { AuditCall, AuditCard, AuditExport } from '../audit/types';

/**
 * The audit trail's SQL and row shapes, shared by both engines: only the placeholder style differs
 * (`?` for SQLite, `$1` for PostgreSQL).
 */
export type Placeholder = (index: number) => string;
export const SQLITE_PLACEHOLDER: Placeholder = () => '?';
export const POSTGRES_PLACEHOLDER: Placeholder = (i) => `$${i + 1}`;

const CALL_COLUMNS = [
  'id',
  'at',
  'service_id',
  'hook',
  'hook_instance',
  'issuer',
  'tenant',
  'knowledge_version',
  'knowledge_digest',
  'silent',
  'status',
  'outcome',
  'reason',
  'missing',
  'unreadable',
  'patient_hash',
  'encounter_hash',
  'record_source',
  'failed_reads',
  'latency_ms',
];
const CARD_COLUMNS = [
  'card_uuid',
  'call_id',
  'at',
  'procedure_key',
  'rating',
  'indicator',
  'silent',
  'suggestions',
  'order_hash',
  'content_hash',
  'consult_id',
];

function insert(table: string, columns: string[], key: string, p: Placeholder): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_c, i) => p(i)).join(', ')}) ON CONFLICT (${key}) DO NOTHING`;
}

export function auditStatements(p: Placeholder) {
  const range = `at >= ${p(0)} AND at < ${p(1)}`;
  return {
    insertCall: insert('audit_call', CALL_COLUMNS, 'id', p),
    insertCard: insert('audit_card', CARD_COLUMNS, 'card_uuid', p),
    insertDrop: `INSERT INTO audit_drop (at, rows_lost, why) VALUES (${p(0)}, ${p(1)}, ${p(2)})`,
    pruneCalls: `DELETE FROM audit_call WHERE at < ${p(0)}`,
    pruneCards: `DELETE FROM audit_card WHERE at < ${p(0)}`,
    pruneDrops: `DELETE FROM audit_drop WHERE at < ${p(0)}`,
    pruneFeedback: `DELETE FROM feedback WHERE received_at < ${p(0)}`,
    readCalls: `SELECT at, service_id, hook, hook_instance, issuer, tenant, knowledge_version, knowledge_digest, silent, status, outcome, reason, missing, unreadable, record_source, failed_reads, latency_ms FROM audit_call WHERE ${range} ORDER BY at`,
    readCards: `SELECT card_uuid, at, procedure_key, rating, indicator, silent, suggestions, order_hash FROM audit_card WHERE ${range} ORDER BY at`,
    readFeedback: `SELECT f.card_uuid, f.outcome, f.accepted_suggestions, f.override_code, f.override_display, f.received_at, CASE WHEN c.card_uuid IS NULL THEN 0 ELSE 1 END AS known FROM feedback f LEFT JOIN audit_card c ON c.card_uuid = f.card_uuid WHERE f.received_at >= ${p(0)} AND f.received_at < ${p(1)} ORDER BY f.received_at`,
    readDrops: `SELECT at, rows_lost, why FROM audit_drop WHERE ${range} ORDER BY at`,
    shownCards: `SELECT content_hash, consult_id FROM audit_card WHERE order_hash = ${p(0)} AND at >= ${p(1)} AND silent = 0`,
    insertSecret: `INSERT INTO store_secret (name, value, created_at) VALUES (${p(0)}, ${p(1)}, ${p(2)}) ON CONFLICT (name) DO NOTHING`,
    readSecret: `SELECT value FROM store_secret WHERE name = ${p(0)}`,
  };
}

export function callValues(call: AuditCall): unknown[] {
  return [
    call.id,
    call.at,
    call.serviceId,
    call.hook,
    call.hookInstance,
    call.issuer,
    call.tenant ?? null,
    call.knowledgeVersion,
    call.knowledgeDigest,
    call.silent ? 1 : 0,
    call.status,
    call.outcome,
    call.reason ?? null,
    JSON.stringify(call.missing),
    JSON.stringify(call.unreadable),
    call.patientHash ?? null,
    call.encounterHash ?? null,
    call.recordSource,
    JSON.stringify(call.failedReads),
    call.latencyMs,
  ];
}

export function cardValues(call: AuditCall, card: AuditCard): unknown[] {
  return [
    card.cardUuid,
    call.id,
    call.at,
    card.procedure,
    card.rating,
    card.indicator,
    call.silent ? 1 : 0,
    JSON.stringify(card.suggestions),
    card.orderHash ?? null,
    card.contentHash ?? null,
    card.consultId ?? null,
  ];
}

/** ISO bounds of an inclusive range of days: [from 00:00, the day after `to` 00:00). */
export function rangeBounds(range: { from?: string; to?: string }): [string, string] {
  const next = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return [range.from ? `${range.from}T00:00:00.000Z` : '0000', range.to ? next(range.to) : '9999'];
}

type Row = Record<string, unknown>;
const list = (v: unknown): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : []);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;

/** Rows as either engine returns them, as the report reads them. */
export function exportRows(rows: { calls: Row[]; cards: Row[]; feedback: Row[]; drops: Row[] }): AuditExport {
  return {
    calls: rows.calls.map((r) => ({
      at: String(r.at),
      serviceId: String(r.service_id),
      hook: String(r.hook),
      hookInstance: String(r.hook_instance),
      issuer: String(r.issuer),
      ...(text(r.tenant) ? { tenant: text(r.tenant) } : {}),
      knowledgeVersion: String(r.knowledge_version),
      knowledgeDigest: String(r.knowledge_digest),
      silent: Number(r.silent) === 1,
      status: Number(r.status),
      outcome: String(r.outcome),
      ...(text(r.reason) ? { reason: text(r.reason) } : {}),
      missing: list(r.missing),
      unreadable: list(r.unreadable),
      recordSource: String(r.record_source) as AuditCall['recordSource'],
      failedReads: list(r.failed_reads),
      latencyMs: Number(r.latency_ms),
    })),
    cards: rows.cards.map((r) => ({
      cardUuid: String(r.card_uuid),
      at: String(r.at),
      procedure: String(r.procedure_key),
      rating: String(r.rating),
      indicator: String(r.indicator),
      silent: Number(r.silent) === 1,
      suggestions: typeof r.suggestions === 'string' ? (JSON.parse(r.suggestions) as AuditCard['suggestions']) : [],
      ...(text(r.order_hash) ? { orderHash: text(r.order_hash) } : {}),
    })),
    feedback: rows.feedback.map((r) => ({
      cardUuid: String(r.card_uuid),
      outcome: String(r.outcome),
      acceptedSuggestions: list(r.accepted_suggestions),
      ...(text(r.override_code) ? { overrideCode: text(r.override_code) } : {}),
      ...(text(r.override_display) ? { overrideDisplay: text(r.override_display) } : {}),
      receivedAt: String(r.received_at),
      knownCard: Number(r.known) === 1,
    })),
    drops: rows.drops.map((r) => ({ at: String(r.at), rows: Number(r.rows_lost), why: String(r.why) })),
  };
}
