import crypto from 'node:crypto';

/**
 * Patient, encounter and order ids go into the audit trail only as keyed hashes (HMAC-SHA-256, 128 bits shown):
 * with the key, one case can be traced on request; without it, the table is not a patient list.
 *
 * @example
 * const hash = keyedHasher(key);
 * hash('Patient/123') // '5f1c…' (32 hex characters), the same for the same id and key
 */
export function keyedHasher(key: string): (id: string | undefined) => string | undefined {
  return (id) => (id ? crypto.createHmac('sha256', key).update(id).digest('hex').slice(0, 32) : undefined);
}

/** A new random key for the store to keep (used when AUDIT_HMAC_KEY is not configured). */
export function newHmacKey(): string {
  return crypto.randomBytes(32).toString('base64url');
}
