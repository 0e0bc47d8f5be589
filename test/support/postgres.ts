import crypto from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL that .ci/run starts (TEST_POSTGRES_URL). Without it, PostgreSQL tests are skipped
 * locally with a notice; in CI (CI=true) its absence fails the run instead of skipping silently.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL;

export function describeWithPostgres(name: string, body: () => void): void {
  if (!POSTGRES_URL && process.env.CI) {
    describe(name, () => it('needs TEST_POSTGRES_URL in CI', () => expect(POSTGRES_URL).toBeDefined()));
    return;
  }
  if (!POSTGRES_URL) {
    console.warn(`skipped "${name}": set TEST_POSTGRES_URL (eval "$(bash scripts/dev-postgres.sh)")`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

/** A new empty database on the test server, so test files never share tables. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `axilla_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL as string);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
