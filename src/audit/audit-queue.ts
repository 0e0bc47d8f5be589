import type { Logger } from 'pino';
import type { Store } from '../store/store';
import type { AuditCall } from './types';

export interface AuditQueueOptions {
  /** Rows waiting at most; a call beyond it is counted as dropped, never blocks the answer. */
  maxRows: number;
  /** How long a row may wait before its batch is written. */
  flushMs: number;
  /** Rows written per transaction. */
  batchRows: number;
  /** Attempts to write a batch while the store fails, before its rows are counted as dropped. */
  attempts?: number;
}

/**
 * Audit rows are written after the answer, in batches, off the hot path: `push` never waits and never
 * throws. If the store is down, batches are retried a few times and then counted as dropped; the count
 * is logged and written to the store as soon as it answers again, so the report shows what was lost.
 *
 * @example
 * const queue = new AuditQueue(store, logger, { maxRows: 10_000, flushMs: 1000, batchRows: 200 });
 * queue.push(call);                 // after res.json(...)
 * await queue.flush(5000);          // on SIGTERM
 */
export class AuditQueue {
  private pending: { call: AuditCall; attempts: number }[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private unreported = new Map<string, number>();
  /** Rows dropped since start (for the log and metrics). */
  dropped = 0;
  /** Rows written since start. */
  written = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly options: AuditQueueOptions,
  ) {}

  /** `push`, returning the call (to chain). */
  pushed(call: AuditCall): AuditCall {
    this.push(call);
    return call;
  }

  push(call: AuditCall): void {
    if (this.pending.length >= this.options.maxRows) {
      this.drop(1, 'audit queue full');
      return;
    }
    this.pending.push({ call, attempts: 0 });
    if (this.pending.length >= this.options.batchRows) void this.writeBatch();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.writeBatch(), this.options.flushMs);
      this.timer.unref();
    }
  }

  /** Writes everything pending, for at most `timeoutMs`; what is left is counted as dropped and logged. */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.length > 0 || this.writing) && Date.now() < deadline) {
      await Promise.race([this.writeBatch(), new Promise((resolve) => setTimeout(resolve, Math.max(1, deadline - Date.now())).unref())]);
    }
    if (this.pending.length > 0) {
      this.drop(this.pending.length, 'not written before shutdown');
      this.pending = [];
    }
    await this.reportDrops();
  }

  private writeBatch(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending.splice(0, this.options.batchRows);
    if (batch.length === 0) return Promise.resolve();
    this.writing = this.store
      .writeAudit(batch.map((b) => b.call))
      .then(async () => {
        this.written += batch.length;
        await this.reportDrops();
      })
      .catch((error: Error) => {
        const retry = batch.filter((b) => ++b.attempts < (this.options.attempts ?? 3));
        this.drop(batch.length - retry.length, 'store unavailable');
        this.pending.unshift(...retry.slice(0, Math.max(0, this.options.maxRows - this.pending.length)));
        this.logger.error({ err: { message: error.message }, rows: batch.length, retrying: retry.length }, 'audit write failed');
      })
      .finally(() => {
        this.writing = undefined;
        if (this.pending.length > 0 && !this.timer) {
          this.timer = setTimeout(() => void this.writeBatch(), this.options.flushMs);
          this.timer.unref();
        }
      });
    return this.writing;
  }

  private drop(rows: number, why: string): void {
    if (rows <= 0) return;
    this.dropped += rows;
    this.unreported.set(why, (this.unreported.get(why) ?? 0) + rows);
    this.logger.warn({ rows, why, droppedSinceStart: this.dropped }, 'audit rows dropped');
  }

  /** Writes the drop counts to the store, now that it answers; kept for later if it does not. */
  private async reportDrops(): Promise<void> {
    for (const [why, rows] of [...this.unreported]) {
      try {
        await this.store.recordAuditDrop(rows, why);
        this.unreported.delete(why);
      } catch {
        return;
      }
    }
  }
}
