import { AuditQueue } from '../../src/audit/audit-queue';
import { Auditor } from '../../src/audit/auditor';
import { keyedHasher } from '../../src/audit/keyed-hash';
import type { AuditCall } from '../../src/audit/types';
import { loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { knowledge } from '../support/app';
import { auditedCall } from '../support/audit-call';

const logger = createLogger('silent');
const call = (at?: string): AuditCall => auditedCall({ at });

/** A store whose audit writes fail while `down` is true (the database restarting). */
function flakyStore(): { store: Store; setDown: (down: boolean) => void } {
  const real = openSqliteStore(':memory:');
  let down = false;
  const store: Store = {
    ...real,
    engine: real.engine,
    writeAudit: (calls) => (down ? Promise.reject(new Error('connection refused')) : real.writeAudit(calls)),
    recordAuditDrop: (rows, why) => (down ? Promise.reject(new Error('connection refused')) : real.recordAuditDrop(rows, why)),
  };
  return { store, setDown: (d) => (down = d) };
}

describe('the audit queue', () => {
  it('writes after the answer, in batches: push never waits', async () => {
    const store = openSqliteStore(':memory:');
    const queue = new AuditQueue(store, logger, { maxRows: 100, flushMs: 10, batchRows: 3 });
    for (let i = 0; i < 7; i++) queue.push(call());
    expect((await store.readAudit({})).calls.length).toBeLessThan(7);
    await queue.flush(2000);
    expect((await store.readAudit({})).calls).toHaveLength(7);
    expect(queue.written).toBe(7);
  });

  it('a store that is down: rows are retried, then counted as dropped, and the count reaches the store when it is back', async () => {
    const { store, setDown } = flakyStore();
    const queue = new AuditQueue(store, logger, { maxRows: 100, flushMs: 5, batchRows: 10, attempts: 2 });
    setDown(true);
    queue.push(call());
    queue.push(call());
    await new Promise((r) => setTimeout(r, 100));
    expect(queue.dropped).toBe(2);
    setDown(false);
    queue.push(call());
    await queue.flush(2000);
    const rows = await store.readAudit({});
    expect(rows.calls).toHaveLength(1);
    expect(rows.drops).toEqual([expect.objectContaining({ rows: 2, why: 'store unavailable' })]);
  });

  it('a full queue drops (and counts) instead of growing without bound', async () => {
    const store = openSqliteStore(':memory:');
    const queue = new AuditQueue(store, logger, { maxRows: 2, flushMs: 60_000, batchRows: 100 });
    for (let i = 0; i < 5; i++) queue.push(call());
    expect(queue.dropped).toBe(3);
    await queue.flush(2000);
    const rows = await store.readAudit({});
    expect(rows.calls).toHaveLength(2);
    expect(rows.drops).toEqual([expect.objectContaining({ rows: 3, why: 'audit queue full' })]);
  });
});

describe('the auditor', () => {
  const settings = (env: NodeJS.ProcessEnv = {}) => loadConfig({ NODE_ENV: 'test', ...env }).config.governance;

  it('without a configured key, generates one once and keeps it in the store (the same for every instance)', async () => {
    const store = openSqliteStore(':memory:');
    const first = await store.secret('audit-hmac-key', () => 'generated-key-1');
    const second = await store.secret('audit-hmac-key', () => 'generated-key-2');
    expect(second).toBe(first);
    expect(keyedHasher(first)('Patient/1')).toMatch(/^[0-9a-f]{32}$/);
    expect(keyedHasher(first)('Patient/1')).not.toBe(keyedHasher('another-key')('Patient/1'));
  });

  it('prunes audit rows and feedback past the retention (default 400 days), keeping the rest', async () => {
    const store = openSqliteStore(':memory:');
    await store.writeAudit([call(new Date(Date.now() - 401 * 86_400_000).toISOString()), call()]);
    const auditor = new Auditor(store, logger, knowledge(), settings());
    expect(settings().auditRetentionDays).toBe(400);
    expect(await auditor.prune()).toBe(2);
    expect((await store.readAudit({})).calls).toHaveLength(1);
  });

  it('silent services come from configuration: one id, or all', () => {
    expect(
      new Auditor(openSqliteStore(':memory:'), logger, knowledge(), settings({ SILENT_SERVICES: 'axilla-imaging-order-select' })).isSilent(
        'axilla-imaging-order-select',
      ),
    ).toBe(true);
    expect(new Auditor(openSqliteStore(':memory:'), logger, knowledge(), settings({ SILENT_SERVICES: '*' })).isSilent('anything')).toBe(
      true,
    );
    expect(new Auditor(openSqliteStore(':memory:'), logger, knowledge(), settings()).isSilent('axilla-imaging-order-select')).toBe(false);
  });

  it('refuses a short HMAC key or governance credential', () => {
    expect(() => settings({ AUDIT_HMAC_KEY: 'short' })).toThrow(/AUDIT_HMAC_KEY must be at least 32 characters/);
    expect(() => settings({ GOVERNANCE_TOKEN: 'short' })).toThrow(/GOVERNANCE_TOKEN must be at least 24 characters/);
  });
});
