/**
 * Versioned schema changes, applied in order at start by either engine. Never edit an applied
 * migration: add the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** The feedback table is the same in both engines but for its generated key. */
function feedbackTable(idColumn: string): string {
  return `CREATE TABLE feedback (
      ${idColumn},
      item_key TEXT NOT NULL UNIQUE,
      service_id TEXT NOT NULL,
      issuer TEXT NOT NULL,
      card_uuid TEXT NOT NULL,
      outcome TEXT NOT NULL,
      accepted_suggestions TEXT NOT NULL,
      override_system TEXT,
      override_code TEXT,
      override_display TEXT,
      user_comment TEXT,
      outcome_timestamp TEXT NOT NULL,
      received_at TEXT NOT NULL
    );
    CREATE INDEX feedback_card ON feedback (card_uuid);`;
}

/** The audit trail: one row per hook call, one per card it issued, counts of rows lost, and the store's own secrets. */
function auditTables(types: { real: string; serial: string }): string {
  return `CREATE TABLE audit_call (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      service_id TEXT NOT NULL,
      hook TEXT NOT NULL,
      hook_instance TEXT NOT NULL,
      issuer TEXT NOT NULL,
      tenant TEXT,
      knowledge_version TEXT NOT NULL,
      knowledge_digest TEXT NOT NULL,
      silent INTEGER NOT NULL,
      status INTEGER NOT NULL,
      outcome TEXT NOT NULL,
      reason TEXT,
      missing TEXT NOT NULL,
      unreadable TEXT NOT NULL,
      patient_hash TEXT,
      encounter_hash TEXT,
      record_source TEXT NOT NULL,
      failed_reads TEXT NOT NULL,
      latency_ms ${types.real} NOT NULL
    );
    CREATE INDEX audit_call_at ON audit_call (at);
    CREATE INDEX audit_call_patient ON audit_call (patient_hash);
    CREATE TABLE audit_card (
      card_uuid TEXT PRIMARY KEY,
      call_id TEXT NOT NULL,
      at TEXT NOT NULL,
      procedure_key TEXT NOT NULL,
      rating TEXT NOT NULL,
      indicator TEXT NOT NULL,
      silent INTEGER NOT NULL,
      suggestions TEXT NOT NULL,
      order_hash TEXT,
      content_hash TEXT,
      consult_id TEXT
    );
    CREATE INDEX audit_card_at ON audit_card (at);
    CREATE INDEX audit_card_order ON audit_card (order_hash);
    CREATE INDEX audit_card_call ON audit_card (call_id);
    CREATE TABLE audit_drop (
      ${types.serial},
      at TEXT NOT NULL,
      rows_lost INTEGER NOT NULL,
      why TEXT NOT NULL
    );
    CREATE TABLE store_secret (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX feedback_received ON feedback (received_at);`;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'jwt replay cache',
    sqlite: `CREATE TABLE jwt_replay (
      issuer TEXT NOT NULL,
      jti TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (issuer, jti)
    );
    CREATE INDEX jwt_replay_expires ON jwt_replay (expires_at);`,
    postgres: `CREATE TABLE jwt_replay (
      issuer TEXT NOT NULL,
      jti TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (issuer, jti)
    );
    CREATE INDEX jwt_replay_expires ON jwt_replay (expires_at);`,
  },
  {
    version: 2,
    name: 'feedback as received',
    sqlite: feedbackTable('id INTEGER PRIMARY KEY AUTOINCREMENT'),
    postgres: feedbackTable('id BIGSERIAL PRIMARY KEY'),
  },
  {
    version: 3,
    name: 'audit trail',
    sqlite: auditTables({ real: 'REAL', serial: 'id INTEGER PRIMARY KEY AUTOINCREMENT' }),
    postgres: auditTables({ real: 'DOUBLE PRECISION', serial: 'id BIGSERIAL PRIMARY KEY' }),
  },
  {
    version: 4,
    // Whether audit_card held the card when the item was first received (1) or not (0); NULL for rows stored before.
    // Audit rows are written up to 1 s after the answer, so this may say 0 for a card that was issued: the report
    // joins audit_card at read time and that join is the truth.
    name: 'feedback card known at receipt',
    sqlite: 'ALTER TABLE feedback ADD COLUMN card_known INTEGER;',
    postgres: 'ALTER TABLE feedback ADD COLUMN card_known INTEGER;',
  },
  {
    version: 5,
    // Hits per issuer and fixed window, shared by every instance on one PostgreSQL (SQLite serves one instance).
    name: 'rate limit windows',
    sqlite:
      'CREATE TABLE rate_limit (key TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL, PRIMARY KEY (key, window_start));',
    postgres:
      'CREATE TABLE rate_limit (key TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL, PRIMARY KEY (key, window_start));',
  },
];
