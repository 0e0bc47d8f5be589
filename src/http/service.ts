import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/load';
import type { CdsResponse, HookRequest } from '../cds/types';
import type { Knowledge } from '../knowledge/knowledge';
import type { ServiceDefinition } from '../knowledge/types';
import { unauthorized, verifiedClient } from '../security/auth-middleware';
import { HttpError } from '../errors';

import { parseHookRequest } from './hook-request';

/**
 * What answers a validated hook call: the engine, wrapped by record reading. `log` collects what the call's
 * single log line should say about the decision (never patient data).
 */
export type HookHandler = (service: ServiceDefinition, request: HookRequest, log: Record<string, unknown>) => Promise<CdsResponse>;

/** POST /cds-services/{id}: validate, hand to the engine, answer `{cards}`. */
export function serviceRoute(knowledge: Knowledge, config: Config, logger: Logger, handle: HookHandler) {
  return async function service(req: Request<{ id: string }>, res: Response, next: NextFunction): Promise<void> {
    const started = process.hrtime.bigint();
    const definition = knowledge.service(req.params.id);
    if (!definition) return next(new HttpError(404, 'not-found', `no CDS service with id "${req.params.id}"`, 'id'));
    let hookInstance: string | undefined;
    const log: Record<string, unknown> = {};
    try {
      const request = parseHookRequest(req.body, definition, config);
      hookInstance = request.hookInstance;
      const client = verifiedClient(res);
      if (client?.fhirServers && request.fhirServer && !client.fhirServers.some((allowed) => sameServer(allowed, request.fhirServer as string))) {
        // A token must not be able to send the service to read from a server its EHR did not declare.
        logger.warn({ service: definition.id, hookInstance, issuer: client.issuer, reason: 'fhirServer not allowed for issuer' }, 'hook refused');
        unauthorized(res);
        return;
      }
      const response = await handle(definition, request, log);
      res.json(response);
      logger.info({ service: definition.id, hookInstance, knowledge: knowledge.version, ...log, cards: response.cards.length, ms: elapsedMs(started) }, 'hook answered');
    } catch (error) {
      // The error handler writes the call's one log line, with these fields.
      res.locals.logFields = { service: definition.id, hookInstance, ...log, ms: elapsedMs(started) };
      next(error);
    }
  };
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
