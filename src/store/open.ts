import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import { StoreError, type Store } from './store';

/**
 * Opens the store named by DATABASE_URL and brings its schema up to date.
 *
 * @example
 * const store = await openStore('sqlite:./data/axilla-cds.db');
 * const store = await openStore('postgresql://cds@db.internal/cds');
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  try {
    if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl.slice('sqlite:'.length) || ':memory:');
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) return await openPostgresStore(databaseUrl);
  } catch (error) {
    // The URL may hold a password: say which engine failed and why, never the URL itself.
    throw new StoreError(
      `cannot open the ${databaseUrl.startsWith('sqlite:') ? 'SQLite' : 'PostgreSQL'} store: ${(error as Error).message}`,
    );
  }
  throw new StoreError('DATABASE_URL must start with sqlite:, postgres:// or postgresql://');
}
