import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { AuditCall } from '../../src/audit/types';
import { MIGRATIONS } from '../../src/store/migrations';
import { openStore } from '../../src/store/open';
import type { FeedbackRow, Store } from '../../src/store/store';
import { describeWithPostgres, freshPostgresDatabase } from '../support/postgres';
import { auditedCall as oneCardCall } from '../support/audit-call';

const feedback = (card: string, outcome: FeedbackRow['outcome'] = 'overridden'): FeedbackRow => ({
  serviceId: 'axilla-imaging-order-select',
  issuer: 'https://ehr.example.org',
  card,
  outcome,
  acceptedSuggestions: outcome === 'accepted' ? ['s-1'] : [],
  ...(outcome === 'overridden'
    ? { overrideReason: { system: 'urn:axilla-cds:CodeSystem:override-reason', code: 'primary-tumour-evaluation' } }
    : {}),
  outcomeTimestamp: '2026-11-25T10:00:00Z',
});
const withComment = (row: FeedbackRow, userComment: string): FeedbackRow => ({
  ...row,
  overrideReason: { ...row.overrideReason, userComment },
});

const auditedCall = (cardUuid: string): AuditCall => oneCardCall({ cardUuid });

/** The same behaviour from either engine. */
function storeContract(open: () => Promise<{ store: Store; rows: (sql: string) => Promise<Record<string, unknown>[]> }>) {
  let store: Store;
  let rows: (sql: string) => Promise<Record<string, unknown>[]>;
  beforeAll(async () => ({ store, rows } = await open()));
  afterAll(async () => store.close());

  it('applies every migration, in order', async () => {
    expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('remembers a jti once per issuer: the second use is a replay', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect(await store.rememberJti('https://a.example', 'jti-1', exp)).toBe(true);
    expect(await store.rememberJti('https://a.example', 'jti-1', exp)).toBe(false);
    expect(await store.rememberJti('https://b.example', 'jti-1', exp)).toBe(true);
  });

  it('prunes expired entries only', async () => {
    const now = Math.floor(Date.now() / 1000);
    await store.rememberJti('https://prune.example', 'old', now - 10);
    await store.rememberJti('https://prune.example', 'fresh', now + 300);
    expect(await store.pruneExpired(now)).toBeGreaterThanOrEqual(1);
    const left = await rows("SELECT jti FROM jwt_replay WHERE issuer = 'https://prune.example'");
    expect(left.map((r) => r.jti)).toEqual(['fresh']);
  });

  it('stores feedback idempotently, with the override reason', async () => {
    expect(await store.saveFeedback([feedback('card-1'), feedback('card-2', 'accepted')])).toEqual({
      stored: 2,
      updated: 0,
      unknownCards: 2,
    });
    expect(await store.saveFeedback([feedback('card-1')])).toEqual({ stored: 0, updated: 0, unknownCards: 0 });
    const stored = await rows('SELECT card_uuid, outcome, override_code, accepted_suggestions FROM feedback ORDER BY card_uuid');
    expect(stored).toEqual([
      { card_uuid: 'card-1', outcome: 'overridden', override_code: 'primary-tumour-evaluation', accepted_suggestions: '[]' },
      { card_uuid: 'card-2', outcome: 'accepted', override_code: null, accepted_suggestions: '["s-1"]' },
    ]);
  });

  it('an item differing only in its comment updates the stored comment and received_at (updated: 1, one row)', async () => {
    const first = withComment(feedback('card-comment'), 'first thought');
    expect(await store.saveFeedback([first])).toEqual({ stored: 1, updated: 0, unknownCards: 1 });
    const [before] = await rows("SELECT received_at FROM feedback WHERE card_uuid = 'card-comment'");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.saveFeedback([withComment(first, 'second thought')])).toEqual({ stored: 0, updated: 1, unknownCards: 1 });
    const after = await rows("SELECT user_comment, override_code, received_at FROM feedback WHERE card_uuid = 'card-comment'");
    expect(after).toEqual([
      { user_comment: 'second thought', override_code: 'primary-tumour-evaluation', received_at: expect.any(String) },
    ]);
    expect(String(after[0].received_at) > String(before.received_at)).toBe(true);
  });

  it('the same item saved twice stays one row: updated: 0, the comment and received_at untouched', async () => {
    const item = withComment(feedback('card-twice'), 'same words');
    expect(await store.saveFeedback([item])).toEqual({ stored: 1, updated: 0, unknownCards: 1 });
    const before = await rows("SELECT user_comment, received_at FROM feedback WHERE card_uuid = 'card-twice'");
    expect(await store.saveFeedback([item])).toEqual({ stored: 0, updated: 0, unknownCards: 0 });
    expect(await rows("SELECT user_comment, received_at FROM feedback WHERE card_uuid = 'card-twice'")).toEqual(before);
  });

  it('a comment corrected within the same batch is one row with the last comment', async () => {
    const item = withComment(feedback('card-batch'), 'draft');
    expect(await store.saveFeedback([item, withComment(item, 'final')])).toEqual({ stored: 1, updated: 1, unknownCards: 2 });
    expect(await rows("SELECT user_comment FROM feedback WHERE card_uuid = 'card-batch'")).toEqual([{ user_comment: 'final' }]);
  });

  it('feedback for a card never issued is stored with card_known 0; for a card in audit_card, card_known 1', async () => {
    await store.writeAudit([auditedCall('card-issued')]);
    expect(await store.saveFeedback([feedback('card-issued', 'accepted'), feedback('card-never-issued', 'accepted')])).toEqual({
      stored: 2,
      updated: 0,
      unknownCards: 1,
    });
    const marked = await rows(
      "SELECT card_uuid, card_known FROM feedback WHERE card_uuid IN ('card-issued', 'card-never-issued') ORDER BY card_uuid",
    );
    expect(marked).toEqual([
      { card_uuid: 'card-issued', card_known: 1 },
      { card_uuid: 'card-never-issued', card_known: 0 },
    ]);
    // card_known is the value at receipt; the report's join at read time agrees here.
    const reported = (await store.readAudit({})).feedback.filter((f) => ['card-issued', 'card-never-issued'].includes(f.cardUuid));
    expect(reported.map((f) => [f.cardUuid, f.knownCard]).sort()).toEqual([
      ['card-issued', true],
      ['card-never-issued', false],
    ]);
  });
}

describe('SQLite store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-sqlite-'));
  const file = path.join(dir, 'nested', 'folder', 'axilla.db');
  storeContract(async () => {
    const store = await openStore(`sqlite:${file}`);
    return { store, rows: async (sql) => new Database(file, { readonly: true }).prepare(sql).all() as Record<string, unknown>[] };
  });

  it('creates the database file and its folder on first start', () => {
    expect(fs.existsSync(file)).toBe(true);
  });

  it('migration 4 adds card_known to a database made by migrations 1-3, keeping its feedback (NULL: not known then)', async () => {
    const old = path.join(dir, 'v3.db');
    const db = new Database(old);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    db.prepare(
      "INSERT INTO feedback (item_key, service_id, issuer, card_uuid, outcome, accepted_suggestions, outcome_timestamp, received_at) VALUES ('k', 's', 'i', 'card-v3', 'accepted', '[]', '2026-11-25T10:00:00Z', '2026-11-25T10:00:01Z')",
    ).run();
    db.close();
    const store = await openStore(`sqlite:${old}`);
    expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
    await store.close();
    expect(new Database(old, { readonly: true }).prepare('SELECT card_uuid, card_known FROM feedback').all()).toEqual([
      { card_uuid: 'card-v3', card_known: null },
    ]);
  });

  it('re-opening an existing database applies no migration twice', async () => {
    const again = await openStore(`sqlite:${file}`);
    expect(await again.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
    await again.close();
  });
});

describeWithPostgres('PostgreSQL store', () => {
  let drop: () => Promise<void>;
  let url: string;
  storeContract(async () => {
    ({ url, drop } = await freshPostgresDatabase());
    const store = await openStore(url);
    return {
      store,
      rows: async (sql) => {
        const c = new Client({ connectionString: url });
        await c.connect();
        try {
          return (await c.query(sql)).rows;
        } finally {
          await c.end();
        }
      },
    };
  });
  afterAll(async () => drop());

  it('two instances starting at once migrate once', async () => {
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    expect(await a.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
    await Promise.all([a.close(), b.close()]);
  });
});

describe('openStore errors', () => {
  it('names the engine and never the URL (it may hold a password)', async () => {
    await expect(openStore('postgresql://cds:s3cret@127.0.0.1:1/none')).rejects.toThrow(/cannot open the PostgreSQL store/);
    await expect(openStore('postgresql://cds:s3cret@127.0.0.1:1/none')).rejects.not.toThrow(/s3cret/);
  });
});

describeWithPostgres('PostgreSQL store when the database drops its connections', () => {
  it('survives (no crash) and serves again once the pool reconnects', async () => {
    const { url, drop } = await freshPostgresDatabase();
    const store = await openStore(url);
    try {
      expect(await store.rememberJti('https://drop.example', 'before', Math.floor(Date.now() / 1000) + 60)).toBe(true);
      const admin = new Client({ connectionString: url });
      await admin.connect();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await store.rememberJti('https://drop.example', 'after', Math.floor(Date.now() / 1000) + 60)).toBe(true);
    } finally {
      await store.close();
      await drop();
    }
  });
});
