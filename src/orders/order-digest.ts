import crypto from 'node:crypto';

/**
 * What an order asks for, as a digest: its code, body site, details and reason. Two calls about the same order
 * with the same digest are about the same, unchanged order (order-sign does not repeat order-select's card).
 *
 * @example orderDigest(serviceRequest) // 'c0ffee…' (32 hex characters)
 */
export function orderDigest(order: unknown): string {
  const o = (order ?? {}) as { code?: unknown; bodySite?: unknown; orderDetail?: unknown; reasonCode?: unknown };
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([o.code ?? null, o.bodySite ?? null, o.orderDetail ?? null, o.reasonCode ?? null]))
    .digest('hex')
    .slice(0, 32);
}
