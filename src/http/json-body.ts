import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpError } from '../errors';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** Deeper than any FHIR resource in a hook request; deeper bodies are refused before anything walks them. */
const MAX_DEPTH = 64;

/** Iterative, so a pathological body cannot overflow the stack while being measured. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * express.json with the service's rules: JSON content types only (415 otherwise), a size limit
 * (413), and parse failures as 400 with an OperationOutcome instead of Express's HTML page.
 */
export function jsonBody(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'], strict: true });
  return function jsonBodyMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'POST') return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      return next(
        new HttpError(415, 'not-supported', `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`),
      );
    }
    parse(req, res, (error?: unknown) => {
      if (!error) {
        if (depthExceeds(req.body, MAX_DEPTH))
          return next(new HttpError(400, 'structure', `request body is nested deeper than ${MAX_DEPTH} levels`));
        return next();
      }
      const e = error as BodyParserError;
      if (e.type === 'entity.too.large')
        return next(new HttpError(413, 'too-costly', `request body is larger than the limit of ${limitBytes} bytes`));
      if (e.type === 'entity.parse.failed') return next(new HttpError(400, 'structure', 'request body is not valid JSON'));
      if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
        return next(new HttpError(415, 'not-supported', e.message));
      next(new HttpError(e.status && e.status >= 400 && e.status < 500 ? e.status : 400, 'invalid', 'request body could not be read'));
    });
  };
}
