import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { MIGRATIONS } from '../../src/store/migrations';
import { openStore } from '../../src/store/open';
import type { FeedbackRow, Store } from '../../src/store/store';
import { describeWithPostgres, freshPostgresDatabase } from '../support/postgres';

const feedback = (card: string, outcome: FeedbackRow['outcome'] = 'overridden'): FeedbackRow => ({
  serviceId: 'axilla-imaging-order-select',
  issuer: 'https://ehr.example.org',
  card,
  outcome,
  acceptedSuggestions: outcome === 'accepted' ? ['s-1'] : [],
  ...(outcome === 'overridden' ? { overrideReason: { system: 'urn:axilla-cds:CodeSystem:override-reason', code: 'primary-tumour-evaluation' } } : {}),
  outcomeTimestamp: '2026-11-25T10:00:00Z',
});

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
    expect(await store.saveFeedback([feedback('card-1'), feedback('card-2', 'accepted')])).toBe(2);
    expect(await store.saveFeedback([feedback('card-1')])).toBe(0);
    const stored = await rows("SELECT card_uuid, outcome, override_code, accepted_suggestions FROM feedback ORDER BY card_uuid");
    expect(stored).toEqual([
      { card_uuid: 'card-1', outcome: 'overridden', override_code: 'primary-tumour-evaluation', accepted_suggestions: '[]' },
      { card_uuid: 'card-2', outcome: 'accepted', override_code: null, accepted_suggestions: '["s-1"]' },
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
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await store.rememberJti('https://drop.example', 'after', Math.floor(Date.now() / 1000) + 60)).toBe(true);
    } finally {
      await store.close();
      await drop();
    }
  });
});
