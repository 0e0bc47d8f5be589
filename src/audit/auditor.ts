import type { Logger } from 'pino';
import type { GovernanceSettings } from '../config/load';
import type { Knowledge } from '../knowledge/knowledge';
import type { Store } from '../store/store';
import { auditCall, type AuditInput } from './audit-call';
import { AuditQueue } from './audit-queue';
import { keyedHasher, newHmacKey } from './keyed-hash';
import type { AuditCall } from './types';

const DAY_MS = 86_400_000;
type Hasher = (id: string | undefined) => string | undefined;
/** An ordering session: order-sign repeats no card shown this long before for the same, unchanged order. */
const SESSION_MS = 12 * 60 * 60 * 1000;
const RECENT_ORDERS = 5000;

/**
 * The audit trail of a running service: which services are silent, and one row per hook call, written
 * after the answer through a bounded queue. The hash key comes from configuration or, once, from the store.
 *
 * @example
 * const auditor = new Auditor(store, logger, knowledge, config.governance);
 * auditor.record({ service, request, client, evaluation, status: 200, latencyMs, silent });
 * await auditor.close(5000);
 */
export class Auditor {
  readonly queue: AuditQueue;
  private hash?: Hasher;
  private readonly recent = new Map<string, { contentHash?: string; consultId?: string }[]>();
  private loading?: Promise<Hasher>;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly knowledge: Knowledge,
    private readonly settings: GovernanceSettings,
  ) {
    this.queue = new AuditQueue(store, logger, { maxRows: settings.auditQueueMax, flushMs: settings.auditFlushMs, batchRows: 200 });
    if (settings.auditHmacKey) this.hash = keyedHasher(settings.auditHmacKey);
  }

  /** The hasher, its key read from the store once; a store that cannot give it now is asked again at the next call. */
  private hasher(): Promise<Hasher> {
    if (this.hash) return Promise.resolve(this.hash);
    this.loading ??= this.store.secret('audit-hmac-key', newHmacKey).then(
      (key) => (this.hash = keyedHasher(key)),
      (error: Error) => {
        this.loading = undefined;
        this.logger.error({ err: { message: error.message } }, 'audit hash key unavailable');
        throw error;
      },
    );
    return this.loading;
  }

  isSilent(serviceId: string): boolean {
    return this.settings.silentServices === '*' || this.settings.silentServices.includes(serviceId);
  }

  /** Queues the call's audit row; never waits, never throws. */
  record(input: AuditInput): void {
    // Without the key the row is still written, with no ids at all rather than unkeyed ones.
    this.hasher().then(
      (hash) => this.remember(this.queue.pushed(auditCall(input, this.knowledge, hash))),
      () => this.queue.push(auditCall(input, this.knowledge, () => undefined)),
    );
  }

  /** Cards this instance just showed, by order hash, for order-sign's "already shown" until their rows are written. */
  private remember(call: AuditCall): void {
    if (call.silent) return;
    for (const card of call.cards) {
      if (!card.orderHash) continue;
      this.recent.delete(card.orderHash);
      this.recent.set(card.orderHash, [{ contentHash: card.contentHash, consultId: card.consultId }]);
      if (this.recent.size > RECENT_ORDERS) this.recent.delete(this.recent.keys().next().value as string);
    }
  }

  /**
   * Whether a card was already shown (not silently) for this order, unchanged, in this ordering session: the
   * same order (`orderKey`: EHR, patient, encounter, order id) and digest within the session window, and, when
   * the order carries a consult id, the same one. Recent cards of this instance are checked first (their rows may still be queued), then the store.
   */
  async alreadyShown(orderKey: string, digest: string, consultId: string | undefined): Promise<boolean> {
    const matches = (rows: { contentHash?: string; consultId?: string }[]) =>
      rows.some((r) => r.contentHash === digest && (consultId === undefined || r.consultId === consultId));
    const key = (await this.hasher())(orderKey) as string;
    if (matches(this.recent.get(key) ?? [])) return true;
    try {
      return matches(await this.store.shownCards(key, new Date(Date.now() - SESSION_MS).toISOString()));
    } catch (error) {
      // Unknown is not "shown": the card is shown again rather than lost.
      this.logger.error({ err: { message: (error as Error).message } }, 'order history unavailable');
      return false;
    }
  }

  /** Deletes audit rows and feedback older than the retention; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    return this.store.pruneAudit(new Date(now - this.settings.auditRetentionDays * DAY_MS).toISOString());
  }

  /** Writes what is pending within `timeoutMs` (on SIGTERM). */
  async close(timeoutMs: number): Promise<void> {
    await this.queue.flush(timeoutMs);
  }
}
