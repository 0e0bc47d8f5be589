import { createApp } from './app';
import { ConfigError, loadConfig } from './config/load';
import { KnowledgeError } from './knowledge/errors';
import { loadKnowledge } from './knowledge/load';
import { createLogger } from './log';
import { createHookHandler } from './hook-handler';

function main(): void {
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);

  let knowledge;
  try {
    knowledge = loadKnowledge({ siteOrderCodesFile: config.siteOrderCodesFile });
  } catch (error) {
    if (error instanceof KnowledgeError) {
      logger.fatal({ file: error.file, field: error.field }, error.message);
      process.exit(1);
    }
    throw error;
  }

  const app = createApp({ config, knowledge, logger, handleHook: createHookHandler(knowledge, config.site, config.fhir, logger) });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, publicBaseUrl: config.publicBaseUrl, knowledge: knowledge.version, digest: knowledge.digest, env: config.nodeEnv },
      `axilla-cds listening: discovery at ${config.publicBaseUrl}/cds-services`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
