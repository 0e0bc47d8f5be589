import crypto from 'node:crypto';
import type { FeedbackRow } from './store';

/** Identity of a feedback item: the same item sent again (clients may resend) maps to the same key. */
export function feedbackKey(row: FeedbackRow): string {
  const identity = [row.serviceId, row.issuer, row.card, row.outcome, row.outcomeTimestamp, row.acceptedSuggestions, row.overrideReason?.system ?? null, row.overrideReason?.code ?? null];
  return crypto.createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
