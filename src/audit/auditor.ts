import type { Logger } from 'pino';
import type { GovernanceSettings } from '../config/load';
import type { Knowledge } from '../knowledge/knowledge';
import type { Store } from '../store/store';
import { auditCall, type AuditInput } from './audit-call';
import { AuditQueue } from './audit-queue';
import { keyedHasher, newHmacKey } from './keyed-hash';

const DAY_MS = 86_400_000;
type Hasher = (id: string | undefined) => string | undefined;

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
      (hash) => this.queue.push(auditCall(input, this.knowledge, hash)),
      () => this.queue.push(auditCall(input, this.knowledge, () => undefined)),
    );
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
