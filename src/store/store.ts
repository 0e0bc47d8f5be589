/** One feedback item as the EHR sent it (CDS Hooks 2.0 §Feedback), with where it came from. */
export interface FeedbackRow {
  serviceId: string;
  issuer: string;
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: string[];
  overrideReason?: { system?: string; code?: string; display?: string; userComment?: string };
  outcomeTimestamp: string;
}

/** What one `saveFeedback` did. */
export interface FeedbackSaved {
  /** Items new to the store (inserted). */
  stored: number;
  /** Items already stored whose comment (`overrideReason.userComment`) changed: the stored comment was replaced. */
  updated: number;
  /** Of the items stored or updated, those naming a card absent from `audit_card` at receipt (`card_known = 0`). */
  unknownCards: number;
}

import type { AuditCall, AuditExport } from '../audit/types';

/**
 * The service's state, behind one small interface: embedded SQLite by default, PostgreSQL when
 * several instances share a database. Nothing else in the service keeps state between calls.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Records a JWT id until `expiresAt` (epoch seconds); false when the issuer already used it (a replay). */
  rememberJti(issuer: string, jti: string, expiresAt: number): Promise<boolean>;
  /** Deletes replay entries whose token has expired; returns how many. */
  pruneExpired(nowSeconds?: number): Promise<number>;
  /**
   * Stores feedback idempotently: an item sent twice is stored once, and one that differs only in its comment
   * replaces the stored comment (and `received_at`). Each new row records in `card_known` whether `audit_card`
   * held its card at that moment (the report's join at read time stays the truth: audit rows arrive up to 1 s late).
   */
  saveFeedback(rows: FeedbackRow[]): Promise<FeedbackSaved>;
  /** Writes audited hook calls and their cards in one transaction; a row already written is kept once. */
  writeAudit(calls: AuditCall[]): Promise<void>;
  /** Counts audit rows that could not be written (the queue was full, or the store was down). */
  recordAuditDrop(rows: number, why: string): Promise<void>;
  /** Deletes audit rows, drops and feedback older than `before` (ISO 8601); returns how many rows went. */
  pruneAudit(before: string): Promise<number>;
  /** The audit trail between two ISO dates (inclusive days), flat, for the governance report. */
  readAudit(range: { from?: string; to?: string }): Promise<AuditExport>;
  /** Cards shown (not silent) for an order, by the keyed hash of its id, since an ISO time: what the order looked like and its consult id. */
  shownCards(orderHash: string, since: string): Promise<{ contentHash?: string; consultId?: string }[]>;
  /** A named secret kept in the store: the existing one, or `make()`'s value stored on first use (race-safe across instances). */
  secret(name: string, make: () => string): Promise<string>;
  /** Counts one hit of `key` in the window starting at `windowStart` (epoch ms) and returns the window's hits; older windows are deleted. */
  countHit(key: string, windowStart: number): Promise<number>;
  /** Applied migration versions, oldest first (for tests and the start-up log). */
  migrations(): Promise<number[]>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
