/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the methods stay async so that a
   thrown error becomes a rejected promise, as the PostgreSQL store's do (callers chain .then/.catch). */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { auditStatements, callValues, cardValues, exportRows, rangeBounds, SQLITE_PLACEHOLDER } from './audit-sql';
import { feedbackUpsert, feedbackValues } from './feedback-key';
import { MIGRATIONS } from './migrations';
import type { AuditCall } from '../audit/types';
import type { FeedbackRow, FeedbackSaved, Store } from './store';

/**
 * The embedded store: one SQLite file (created with its folder on first start), WAL mode so
 * readers never block the writer. Suits one instance; several instances need PostgreSQL.
 */
export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: no fsync per commit (about a millisecond off every hook call); safe against crashes of the
  // process, while a power loss may lose the last commits (replay entries of tokens minutes from expiry).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 2000');
  migrate(db);

  const insertJti = db.prepare('INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT (issuer, jti) DO NOTHING');
  const pruneReplay = db.prepare('DELETE FROM jwt_replay WHERE expires_at < ?');
  const upsertFeedback = db.prepare(feedbackUpsert(SQLITE_PLACEHOLDER, 'card_known'));
  const feedbackStored = db.prepare('SELECT 1 FROM feedback WHERE item_key = ?').pluck();
  const saveAll = db.transaction((rows: FeedbackRow[]): FeedbackSaved => {
    const saved: FeedbackSaved = { stored: 0, updated: 0, unknownCards: 0 };
    const receivedAt = new Date().toISOString();
    for (const row of rows) {
      const values = feedbackValues(row, receivedAt);
      // The transaction runs synchronously and one instance owns the file: nothing writes between the look-up and the upsert.
      const existed = feedbackStored.get(values[0]) !== undefined;
      const written = upsertFeedback.get(...values) as { card_known: number | null } | undefined;
      if (!written) continue;
      saved[existed ? 'updated' : 'stored'] += 1;
      if (written.card_known === 0) saved.unknownCards += 1;
    }
    return saved;
  });

  const sql = auditStatements(SQLITE_PLACEHOLDER);
  const audit = {
    call: db.prepare(sql.insertCall),
    card: db.prepare(sql.insertCard),
    drop: db.prepare(sql.insertDrop),
    secret: db.prepare(sql.insertSecret),
    readSecret: db.prepare(sql.readSecret),
  };
  const writeAll = db.transaction((calls: AuditCall[]) => {
    for (const call of calls) {
      audit.call.run(...callValues(call));
      for (const card of call.cards) audit.card.run(...cardValues(call, card));
    }
  });
  const prune = db.transaction((before: string) =>
    [sql.pruneCalls, sql.pruneCards, sql.pruneDrops, sql.pruneFeedback].reduce(
      (n, statement) => n + db.prepare(statement).run(before).changes,
      0,
    ),
  );

  const hit = db.prepare(
    'INSERT INTO rate_limit (key, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits',
  );
  const pruneWindows = db.prepare('DELETE FROM rate_limit WHERE window_start < ?');

  return {
    engine: 'sqlite',
    async countHit(key, windowStart) {
      pruneWindows.run(windowStart);
      return (hit.get(key, windowStart) as { hits: number }).hits;
    },
    async writeAudit(calls) {
      writeAll(calls);
    },
    async recordAuditDrop(rows, why) {
      audit.drop.run(new Date().toISOString(), rows, why);
    },
    async pruneAudit(before) {
      return prune(before);
    },
    async readAudit(range) {
      const bounds = rangeBounds(range);
      const all = (statement: string) => db.prepare(statement).all(...bounds) as Record<string, unknown>[];
      return exportRows({
        calls: all(sql.readCalls),
        cards: all(sql.readCards),
        feedback: all(sql.readFeedback),
        drops: all(sql.readDrops),
      });
    },
    async shownCards(orderHash, since) {
      return (db.prepare(sql.shownCards).all(orderHash, since) as { content_hash: string | null; consult_id: string | null }[]).map(
        (r) => ({ contentHash: r.content_hash ?? undefined, consultId: r.consult_id ?? undefined }),
      );
    },
    async secret(name, make) {
      audit.secret.run(name, make(), new Date().toISOString());
      return (audit.readSecret.get(name) as { value: string }).value;
    },
    async rememberJti(issuer, jti, expiresAt) {
      return insertJti.run(issuer, jti, expiresAt).changes === 1;
    },
    async pruneExpired(nowSeconds = Math.floor(Date.now() / 1000)) {
      return pruneReplay.run(nowSeconds).changes;
    },
    async saveFeedback(rows) {
      return saveAll(rows);
    },
    async migrations() {
      return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    },
    async close() {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
}
