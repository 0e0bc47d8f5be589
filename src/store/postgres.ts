import { Pool, type PoolClient } from 'pg';
import type { AuditCall } from '../audit/types';
import { auditStatements, callValues, cardValues, exportRows, POSTGRES_PLACEHOLDER, rangeBounds } from './audit-sql';
import { feedbackUpsert, feedbackValues } from './feedback-key';
import { MIGRATIONS } from './migrations';
import type { FeedbackRow, FeedbackSaved, Store } from './store';

/** Any constant: serialises migrations when several instances start at once. */
const MIGRATION_LOCK = 728_456_001;

/** The shared store for several instances behind a load balancer (`DATABASE_URL=postgres://…`). */
export async function openPostgresStore(url: string): Promise<Store> {
  // query_timeout bounds a stalled network (statement_timeout is enforced by the server, which may not answer).
  const pool = new Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: 3000,
    statement_timeout: 3000,
    query_timeout: 3000,
    keepAlive: true,
  });
  // An idle connection dropped by a database restart or failover must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  await migrate(pool);
  const sql = auditStatements(POSTGRES_PLACEHOLDER);
  // xmax is 0 on a row version this statement inserted, and set (to this transaction) on one the conflict updated.
  const upsertFeedback = feedbackUpsert(POSTGRES_PLACEHOLDER, '(xmax = 0) AS inserted, card_known');
  const inTransaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    engine: 'postgres',
    async countHit(key, windowStart) {
      const result = await pool.query<{ hits: number }>(
        'INSERT INTO rate_limit (key, window_start, hits) VALUES ($1, $2, 1) ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit.hits + 1 RETURNING hits',
        [key, windowStart],
      );
      // Old windows go now and then (one call in a hundred), not on every call.
      if (Math.random() < 0.01) void pool.query('DELETE FROM rate_limit WHERE window_start < $1', [windowStart]).catch(() => undefined);
      return Number(result.rows[0].hits);
    },
    async writeAudit(calls: AuditCall[]) {
      await inTransaction(async (client) => {
        for (const call of calls) {
          await client.query(sql.insertCall, callValues(call));
          for (const card of call.cards) await client.query(sql.insertCard, cardValues(call, card));
        }
      });
    },
    async recordAuditDrop(rows, why) {
      await pool.query(sql.insertDrop, [new Date().toISOString(), rows, why]);
    },
    async pruneAudit(before) {
      return inTransaction(async (client) => {
        let removed = 0;
        for (const statement of [sql.pruneCalls, sql.pruneCards, sql.pruneDrops, sql.pruneFeedback])
          removed += (await client.query(statement, [before])).rowCount ?? 0;
        return removed;
      });
    },
    async readAudit(range) {
      const bounds = rangeBounds(range);
      const all = async (statement: string) => (await pool.query(statement, bounds)).rows as Record<string, unknown>[];
      const [calls, cards, feedback, drops] = await Promise.all([
        all(sql.readCalls),
        all(sql.readCards),
        all(sql.readFeedback),
        all(sql.readDrops),
      ]);
      return exportRows({ calls, cards, feedback, drops });
    },
    async shownCards(orderHash, since) {
      const rows = (await pool.query<{ content_hash: string | null; consult_id: string | null }>(sql.shownCards, [orderHash, since])).rows;
      return rows.map((r) => ({ contentHash: r.content_hash ?? undefined, consultId: r.consult_id ?? undefined }));
    },
    async secret(name, make) {
      await pool.query(sql.insertSecret, [name, make(), new Date().toISOString()]);
      return (await pool.query<{ value: string }>(sql.readSecret, [name])).rows[0].value;
    },
    async rememberJti(issuer, jti, expiresAt) {
      const result = await pool.query(
        'INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT (issuer, jti) DO NOTHING',
        [issuer, jti, expiresAt],
      );
      return result.rowCount === 1;
    },
    async pruneExpired(nowSeconds = Math.floor(Date.now() / 1000)) {
      return (await pool.query('DELETE FROM jwt_replay WHERE expires_at < $1', [nowSeconds])).rowCount ?? 0;
    },
    async saveFeedback(rows: FeedbackRow[]) {
      return inTransaction(async (client) => {
        const saved: FeedbackSaved = { stored: 0, updated: 0, unknownCards: 0 };
        const receivedAt = new Date().toISOString();
        for (const row of rows) {
          const result = await client.query<{ inserted: boolean; card_known: number | null }>(
            upsertFeedback,
            feedbackValues(row, receivedAt),
          );
          const written = result.rows[0];
          if (!written) continue;
          saved[written.inserted ? 'stored' : 'updated'] += 1;
          if (written.card_known === 0) saved.unknownCards += 1;
        }
        return saved;
      });
    },
    async migrations() {
      return (await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) =>
        Number(r.version),
      );
    },
    async close() {
      await pool.end();
    },
  };
}

async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.postgres);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
