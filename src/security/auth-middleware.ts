import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError, operationOutcome } from '../errors';
import { KeysUnavailable } from './remote-jwks';
import { JwtRefused, StoreUnavailable, verifyCdsJwt, type VerifiedClient, type VerifyOptions } from './verify';

/**
 * Requires a valid CDS client JWT (`Authorization: Bearer <JWT>`) whose `aud` is the URL called:
 * `publicBaseUrl` + the request path. Refusals answer 401 with no detail; the log gets the issuer
 * and the reason, never the token. A token that cannot be checked (replay cache down, or the issuer's
 * JWKS unreachable with no held key for its `kid`) answers 503, which EHRs retry.
 */
export function requireCdsClient(
  publicBaseUrl: string,
  options: VerifyOptions,
  logger: Logger,
  onRefused: (reason: string) => void = () => undefined,
) {
  return async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)\s*$/i.exec(header) : null;
    try {
      if (!match) throw new JwtRefused(header ? 'Authorization is not a Bearer JWT' : 'no Authorization header');
      // Mounted under /cds-services, req.path is relative to the mount: the audience is the full path called.
      const calledPath = req.originalUrl.split('?')[0];
      res.locals.client = await verifyCdsJwt(match[1], `${publicBaseUrl}${calledPath}`, options);
      next();
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        logger.error({ reason: 'replay cache unavailable', path: req.originalUrl.split('?')[0] }, 'JWT not checked');
        return next(new HttpError(503, 'transient', 'the service cannot check the request right now; retry shortly'));
      }
      if (error instanceof KeysUnavailable) {
        logger.error(
          { reason: 'issuer keys unavailable', issuer: error.issuer, jwksHost: error.jwksHost, path: req.originalUrl.split('?')[0] },
          'JWT not checked',
        );
        return next(new HttpError(503, 'transient', 'the service cannot check the request right now; retry shortly'));
      }
      if (!(error instanceof JwtRefused)) return next(error);
      logger.warn({ issuer: error.issuer, reason: error.reason, path: req.originalUrl.split('?')[0] }, 'JWT refused');
      onRefused(error.reason);
      unauthorized(res);
    }
  };
}

export function unauthorized(res: Response): void {
  res.status(401).set('WWW-Authenticate', 'Bearer').json(operationOutcome('security', 'Unauthorized'));
}

/** The client the JWT identified (set by `requireCdsClient`). */
export function verifiedClient(res: Response): VerifiedClient | undefined {
  return res.locals.client as VerifiedClient | undefined;
}
