import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { Auditor } from '../../src/audit/auditor';
import { loadConfig, type Config } from '../../src/config/load';
import { createHookHandler } from '../../src/hook-handler';
import type { Knowledge } from '../../src/knowledge/knowledge';
import { loadKnowledge } from '../../src/knowledge/load';
import { createLogger } from '../../src/log';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { bearer, TEST_TRUST_FILE } from './keys';

let shared: Knowledge | undefined;

/** The repository's knowledge, loaded once per test file. */
export function knowledge(): Knowledge {
  shared ??= loadKnowledge({ siteOrderCodesFile: 'config/site-order-codes.example.json' });
  return shared;
}

/**
 * The service as `npm start` builds it, with test defaults (the test issuers trusted, an in-memory
 * SQLite store, silent logs) and any environment overrides.
 */
export function testApp(
  env: NodeJS.ProcessEnv = {},
  parts: { store?: Store; logger?: ReturnType<typeof createLogger> } = {},
): { app: Express; config: Config; store: Store; auditor: Auditor } {
  const { config } = loadConfig({ NODE_ENV: 'test', CDS_TRUSTED_ISSUERS: TEST_TRUST_FILE, ...env });
  const store = parts.store ?? openSqliteStore(':memory:');
  const logger = parts.logger ?? createLogger('silent');
  const auditor = new Auditor(store, logger, knowledge(), config.governance);
  const app = createApp({
    config,
    knowledge: knowledge(),
    logger,
    store,
    handleHook: createHookHandler(knowledge(), config.site, config.fhir),
    auditor,
  });
  return { app, config, store, auditor };
}

/**
 * supertest with a fresh, valid CDS client JWT for the path on every call, as an EHR sends it.
 *
 * @example await api(app).post(SERVICE_PATH).send(body).expect(200);
 */
export function api(app: Express) {
  const signed = (method: 'get' | 'post', path: string) => {
    const test = request(app)[method](path);
    const send = test.then.bind(test);
    test.then = ((resolve, reject) =>
      bearer(path).then((token) => {
        if (!test.get('Authorization')) test.set('Authorization', token);
        return send(resolve, reject);
      }, reject)) as typeof test.then;
    return test;
  };
  return { get: (path: string) => signed('get', path), post: (path: string) => signed('post', path) };
}

export const SERVICE_PATH = '/cds-services/axilla-imaging-order-select';
