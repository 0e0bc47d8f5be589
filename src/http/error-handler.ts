import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError, operationOutcome } from '../errors';

/** Last middleware: every failure leaves as JSON (an OperationOutcome), never as an HTML stack trace. */
export function errorHandler(logger: Logger) {
  return function handleError(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    // One line per refused request: status, path and the field named, never the message (it may quote input).
    const fields = { path: req.path, ...(res.locals.logFields as Record<string, unknown> | undefined) };
    if (error instanceof HttpError) {
      logger[error.status >= 500 ? 'error' : 'info'](
        { ...fields, status: error.status, code: error.code, field: error.field },
        'request refused',
      );
      res.status(error.status).json(error.toOperationOutcome());
      return;
    }
    // Express and its parsers mark client errors with a 4xx status (e.g. a path that cannot be decoded).
    const status = (error as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      logger.info({ ...fields, status }, 'request refused');
      res.status(status).json(operationOutcome('invalid', status === 400 ? 'the request could not be read' : 'the request was refused'));
      return;
    }
    // Only the error's name and message: never the request, which may hold patient data or tokens.
    logger.error({ ...fields, err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'unexpected error');
    res.status(500).json(operationOutcome('exception', 'internal error; the request was not processed'));
  };
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'not-found', `no endpoint ${req.method} ${req.path}`));
}
