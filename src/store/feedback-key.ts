import crypto from 'node:crypto';
import type { Placeholder } from './audit-sql';
import type { FeedbackRow } from './store';

/**
 * Identity of a feedback item: the same item sent again (clients may resend) maps to the same key. The comment
 * (and the reason's display) are not part of it: an item that differs only in its comment is the same item,
 * corrected, and replaces the stored comment.
 */
export function feedbackKey(row: FeedbackRow): string {
  const identity = [
    row.serviceId,
    row.issuer,
    row.card,
    row.outcome,
    row.outcomeTimestamp,
    row.acceptedSuggestions,
    row.overrideReason?.system ?? null,
    row.overrideReason?.code ?? null,
  ];
  return crypto.createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

const FEEDBACK_COLUMNS = [
  'item_key',
  'service_id',
  'issuer',
  'card_uuid',
  'outcome',
  'accepted_suggestions',
  'override_system',
  'override_code',
  'override_display',
  'user_comment',
  'outcome_timestamp',
  'received_at',
];

/**
 * The feedback upsert, the same in both engines but for the placeholder style and `returning`: a new item is
 * inserted with `card_known` (whether `audit_card` holds its card now: the value at receipt); an item already
 * stored whose comment differs gets the new comment and `received_at`; an item resent unchanged changes nothing
 * (and returns no row). Values: `feedbackValues`.
 */
export function feedbackUpsert(p: Placeholder, returning: string): string {
  const values = FEEDBACK_COLUMNS.map((_c, i) => p(i)).join(', ');
  const card = p(FEEDBACK_COLUMNS.length);
  return `INSERT INTO feedback (${FEEDBACK_COLUMNS.join(', ')}, card_known)
    VALUES (${values}, CASE WHEN EXISTS (SELECT 1 FROM audit_card WHERE card_uuid = ${card}) THEN 1 ELSE 0 END)
    ON CONFLICT (item_key) DO UPDATE SET user_comment = excluded.user_comment, received_at = excluded.received_at
    WHERE feedback.user_comment IS DISTINCT FROM excluded.user_comment
    RETURNING ${returning}`;
}

/** The values of `feedbackUpsert`, in order (the card twice: once stored, once for the `audit_card` look-up). */
export function feedbackValues(row: FeedbackRow, receivedAt: string): unknown[] {
  return [
    feedbackKey(row),
    row.serviceId,
    row.issuer,
    row.card,
    row.outcome,
    JSON.stringify(row.acceptedSuggestions),
    row.overrideReason?.system ?? null,
    row.overrideReason?.code ?? null,
    row.overrideReason?.display ?? null,
    row.overrideReason?.userComment ?? null,
    row.outcomeTimestamp,
    receivedAt,
    row.card,
  ];
}
