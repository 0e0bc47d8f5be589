import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/load';
import type { Auditor } from '../audit/auditor';
import type { Metrics } from '../metrics';
import { orderKey } from '../audit/audit-call';
import type { CdsResponse, HookRequest } from '../cds/types';
import { DEFAULT_PROFILE, type ClientProfile } from '../config/profiles';
import { UnreadableRecord, type HookClient, type HookEvaluation } from '../hook-handler';
import type { Knowledge } from '../knowledge/knowledge';
import type { ServiceDefinition } from '../knowledge/types';
import { unauthorized, verifiedClient } from '../security/auth-middleware';
import { HttpError } from '../errors';

import { parseHookRequest } from './hook-request';

/**
 * What answers a validated hook call: the engine, wrapped by record reading. `log` collects what the call's
 * single log line should say about the decision (never patient data).
 */
export type HookHandler = (
  service: ServiceDefinition,
  request: HookRequest,
  log: Record<string, unknown>,
  client: HookClient,
) => Promise<HookEvaluation>;

/**
 * POST /cds-services/{id}: validate, hand to the engine, answer `{cards}` (none when the service is silent
 * at this site), then audit the call: after the answer, never delaying or failing it.
 */
export function serviceRoute(
  knowledge: Knowledge,
  config: Config,
  logger: Logger,
  handle: HookHandler,
  auditor: Auditor,
  metrics: Metrics,
) {
  return async function service(req: Request<{ id: string }>, res: Response, next: NextFunction): Promise<void> {
    const started = process.hrtime.bigint();
    const definition = knowledge.service(req.params.id);
    if (!definition) return next(new HttpError(404, 'not-found', `no CDS service with id "${req.params.id}"`, 'id'));
    let hookInstance: string | undefined;
    let request: HookRequest | undefined;
    const log: Record<string, unknown> = {};
    try {
      const parsed = parseHookRequest(req.body, definition, config);
      request = parsed;
      hookInstance = parsed.hookInstance;
      const client = verifiedClient(res);
      if (
        client?.fhirServers &&
        parsed.fhirServer &&
        !client.fhirServers.some((allowed) => sameServer(allowed, parsed.fhirServer as string))
      ) {
        // A token must not be able to send the service to read from a server its EHR did not declare.
        logger.warn(
          { serviceId: definition.id, hookInstance, issuer: client.issuer, reason: 'fhirServer not allowed for issuer' },
          'hook refused',
        );
        unauthorized(res);
        return;
      }
      const profile = config.profiles.get(client?.profile ?? DEFAULT_PROFILE) as ClientProfile;
      const guardAddresses = config.nodeEnv === 'production' && !client?.fhirServers?.length;
      const evaluation = await handle(definition, parsed, log, {
        profile,
        guardAddresses,
        alreadyShown: (ref, digest, consultId) => auditor.alreadyShown(orderKey(client?.issuer, parsed, ref) as string, digest, consultId),
      });
      const silent = auditor.isSilent(definition.id);
      res.json(silent ? { cards: [] } : response(evaluation, profile));
      const ms = elapsedMs(started);
      logger.info(
        {
          serviceId: definition.id,
          hookInstance,
          knowledge: knowledge.version,
          ...log,
          cards: evaluation.cards.length,
          ...(silent ? { silent } : {}),
          ms,
        },
        'hook answered',
      );
      auditor.record({ service: definition, request: parsed, client, evaluation, status: 200, latencyMs: ms, silent });
      metrics.hookCall(definition.id, evaluation.outcome.status, 200, ms / 1000);
      metrics.fhirReads(evaluation.readFromServer, evaluation.failedReads);
    } catch (error) {
      const ms = elapsedMs(started);
      // The error handler writes the call's one log line, with these fields.
      res.locals.logFields = { serviceId: definition.id, hookInstance, ...log, ms };
      next(error);
      if (error instanceof UnreadableRecord && request) {
        auditor.record({
          service: definition,
          request,
          client: verifiedClient(res),
          evaluation: error.evaluation,
          status: error.status,
          latencyMs: ms,
          silent: auditor.isSilent(definition.id),
        });
        metrics.hookCall(definition.id, 'unreadable', error.status, ms / 1000);
        metrics.fhirReads(error.evaluation.readFromServer, error.evaluation.failedReads);
      } else {
        metrics.hookCall(definition.id, 'refused', error instanceof HttpError ? error.status : 500, ms / 1000);
      }
    }
  };
}

/** The answer: cards, and the ratings written onto the orders where the client reads them (never in both places). */
function response(evaluation: HookEvaluation, profile: ClientProfile): CdsResponse {
  if (evaluation.systemActions.length === 0) return { cards: evaluation.cards };
  return profile.systemActions === 'extension'
    ? { cards: evaluation.cards, extension: { systemActions: evaluation.systemActions } }
    : { cards: evaluation.cards, systemActions: evaluation.systemActions };
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
