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
];
