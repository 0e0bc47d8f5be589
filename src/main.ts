import { createApp } from './app';
import { Auditor } from './audit/auditor';
import { ConfigError, loadConfig, type Config } from './config/load';
import { createHookHandler } from './hook-handler';
import { KnowledgeError } from './knowledge/errors';
import { loadKnowledge } from './knowledge/load';
import { createLogger } from './log';
import { MIGRATIONS } from './store/migrations';
import { openStore } from './store/open';
import { StoreError } from './store/store';

const PRUNE_EVERY_MS = 5 * 60_000;
const AUDIT_PRUNE_EVERY_MS = 24 * 60 * 60_000;
const AUDIT_FLUSH_ON_STOP_MS = 5000;

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
  const unknownSilent =
    config.governance.silentServices === '*' ? [] : config.governance.silentServices.filter((id) => !knowledge.service(id));
  if (unknownSilent.length > 0) {
    logger.fatal(
      { unknown: unknownSilent, services: knowledge.services.map((s) => s.id) },
      'SILENT_SERVICES names services this knowledge does not define',
    );
    process.exit(1);
  }
  const auditor = new Auditor(store, logger, knowledge, config.governance);
  const pruneAudit = () => {
    auditor.prune().then(
      (rows) => rows > 0 && logger.info({ rows, retentionDays: config.governance.auditRetentionDays }, 'audit rows past retention pruned'),
      (e: Error) => logger.error({ err: { message: e.message } }, 'pruning the audit trail failed'),
    );
  };
  pruneAudit();
  const auditPruner = setInterval(pruneAudit, AUDIT_PRUNE_EVERY_MS);
  auditPruner.unref();
  const app = createApp({ config, knowledge, logger, store, handleHook, auditor });
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
        silent: config.governance.silentServices,
        trust: config.security.trustSource,
        issuers: config.security.trustedIssuers.map((i) => i.iss),
      },
      `axilla-cds listening: discovery at ${config.publicBaseUrl}/cds-services`,
    );
  });
  // A client that sends its request slowly may not hold a connection for minutes.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  // SIGTERM: stop taking calls, let those in flight finish, write pending audit rows (5 s at most), close the store.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new calls, flushing the audit trail');
    clearInterval(pruner);
    clearInterval(auditPruner);
    server.close(() => {
      void auditor
        .close(AUDIT_FLUSH_ON_STOP_MS)
        .then(() => logger.info({ written: auditor.queue.written, dropped: auditor.queue.dropped }, 'audit trail flushed'))
        .finally(() => openedStore.close().finally(() => logger.flush(() => process.exit(0))));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: Error) => {
  process.stderr.write(`axilla-cds failed to start: ${error.message}\n`);
  process.exit(1);
});
