import type { Express } from 'express';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config/load';
import { createHookHandler } from '../../src/hook-handler';
import type { Knowledge } from '../../src/knowledge/knowledge';
import { loadKnowledge } from '../../src/knowledge/load';
import { createLogger } from '../../src/log';

let shared: Knowledge | undefined;

/** The repository's knowledge, loaded once per test file. */
export function knowledge(): Knowledge {
  shared ??= loadKnowledge({ siteOrderCodesFile: 'config/site-order-codes.example.json' });
  return shared;
}

/** The service as `npm start` builds it, with test defaults and any environment overrides. */
export function testApp(env: NodeJS.ProcessEnv = {}): { app: Express; config: Config } {
  const { config } = loadConfig({ NODE_ENV: 'test', ...env });
  const app = createApp({ config, knowledge: knowledge(), logger: createLogger('silent'), handleHook: createHookHandler(knowledge(), config.site, config.fhir) });
  return { app, config };
}

export const SERVICE_PATH = '/cds-services/axilla-imaging-order-select';
