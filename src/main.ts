import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config/load';
import { createHookHandler } from './hook-handler';
import { KnowledgeError } from './knowledge/errors';
import { loadKnowledge } from './knowledge/load';
import { createLogger } from './log';
import { MIGRATIONS } from './store/migrations';
import { openStore } from './store/open';
import { StoreError } from './store/store';

const PRUNE_EVERY_MS = 5 * 60_000;

async function main(): Promise<void> {
  let config: Config;
  let warnings: string[];
  try {
    ({ config, warnings } = loadConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);

  let knowledge;
  let store;
  try {
    knowledge = loadKnowledge({ siteOrderCodesFile: config.siteOrderCodesFile });
    store = await openStore(config.databaseUrl);
  } catch (error) {
    if (error instanceof KnowledgeError) {
      logger.fatal({ file: error.file, field: error.field }, error.message);
      process.exit(1);
    }
    if (error instanceof StoreError) {
      logger.fatal(error.message);
      process.exit(1);
    }
    throw error;
  }
  const openedStore = store;
  const pruner = setInterval(() => {
    openedStore.pruneExpired().catch((e: Error) => logger.error({ err: { message: e.message } }, 'pruning the replay cache failed'));
  }, PRUNE_EVERY_MS);
  pruner.unref();

  let handleHook;
  try {
    handleHook = createHookHandler(knowledge, config.site, config.fhir);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    logger.fatal({ file: error.file, field: error.field }, error.message);
    process.exit(1);
  }
  const app = createApp({ config, knowledge, logger, store, handleHook });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      {
        port,
        publicBaseUrl: config.publicBaseUrl,
        knowledge: knowledge.version,
        digest: knowledge.digest,
        env: config.nodeEnv,
        store: store.engine,
        migrations: MIGRATIONS.length,
        trust: config.security.trustSource,
        issuers: config.security.trustedIssuers.map((i) => i.iss),
      },
      `axilla-cds listening: discovery at ${config.publicBaseUrl}/cds-services`,
    );
  });
  // A client that sends its request slowly may not hold a connection for minutes.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  const stop = () => {
    clearInterval(pruner);
    server.close(() => {
      openedStore.close().finally(() => process.exit(0));
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`axilla-cds failed to start: ${error.message}\n`);
  process.exit(1);
});
