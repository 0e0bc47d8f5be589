/**
 * The EHR's FHIR R4 server, played from one patient fixture on 127.0.0.1 (a random port): what the EHR
 * simulator fills prefetch from, and what the service reads when it is sent `fhirServer` instead.
 *
 *   GET  /metadata                 CapabilityStatement (fhirVersion 4.0.1)
 *   GET  /[type]/[id]              read (404 OperationOutcome when absent)
 *   GET  /[type]?...               search: patient (or subject), code, category, _id, _include, _count, _page
 *   POST /[type]/_search           the same search with a form body (as the CDS Hooks sandbox fills prefetch)
 *
 * Searches are answered by fhir-fixtures/search.ts (shared with the tests' nock server and scripts/fhir-stub.ts);
 * this module adds what that one does not do: `category`, `_id`, `subject`, `_count`, fullUrls and CORS.
 * Every request is recorded (method, path, query, whether a Bearer token came, user agent), never the token.
 *
 * @example
 * const fhir = await startFhirServer(patientBundle('pos-mcode'));
 * // fhir.base === 'http://127.0.0.1:41234'
 * await fhir.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Bundle, CapabilityStatement, FhirResource, OperationOutcome } from 'fhir/r4';
import { NOT_FOUND, readResource, searchBundle } from '../../fhir-fixtures/search';

export interface FhirServerOptions {
  /** Resources per search page when the request names no `_count` (default: all on one page). */
  pageSize?: number;
}

export interface SeenFhirRequest {
  method: string;
  /** Path relative to the base, e.g. `Condition/_search`, `Patient/p1`, `metadata`. */
  path: string;
  /** The search parameters, from the query string and (POST _search) the form body. */
  params: URLSearchParams;
  /** Whether an `Authorization: Bearer …` header came (the token itself is not kept). */
  bearer: boolean;
  userAgent?: string;
  status: number;
}

export interface RunningFhirServer {
  /** The FHIR base URL, without a trailing slash. */
  base: string;
  requests: SeenFhirRequest[];
  close(): Promise<void>;
}

const TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The resources of a patient bundle (a collection Bundle), as the server holds them. */
export function resourcesOf(bundle: Bundle): FhirResource[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource as FhirResource] : []));
}

/** A minimal CapabilityStatement for R4 naming the types held, with read and search-type. */
export function capabilityStatement(resources: FhirResource[]): CapabilityStatement {
  const types = [...new Set(resources.map((r) => r.resourceType))].sort();
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'axilla-cds EHR simulator FHIR server' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        resource: types.map((type) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [
            { name: 'patient', type: 'reference' },
            { name: 'code', type: 'token' },
            { name: 'category', type: 'token' },
            { name: '_id', type: 'token' },
          ],
        })),
      },
    ],
  };
}

/**
 * A search answered from `resources`: `_id`, `category` (token: `code` or `system|code`, comma = or) and
 * `subject=Patient/x` narrow the searched type first; `patient`, `code`, `_include` and paging are then
 * fhir-fixtures/search.ts's. `url` must be absolute on this server: `next` links are built from it.
 */
export function search(resources: FhirResource[], type: string, url: URL, options: FhirServerOptions = {}): Bundle {
  const params = url.searchParams;
  const ids = params.get('_id')?.split(',');
  const categories = params.get('category')?.split(',');
  const narrowed = resources.filter((r) => {
    if (r.resourceType !== type) return true;
    if (ids && !ids.includes(r.id ?? '')) return false;
    if (categories && !hasCategory(r, categories)) return false;
    return true;
  });
  const normalised = new URL(url.toString());
  const patient = params.get('patient') ?? params.get('subject') ?? undefined;
  normalised.searchParams.delete('subject');
  if (patient) normalised.searchParams.set('patient', patient.replace(/^Patient\//, ''));
  const count = Number(params.get('_count'));
  const pageSize = Number.isInteger(count) && count > 0 ? count : options.pageSize;
  const bundle = searchBundle(narrowed, type, normalised, pageSize ? { pageSize } : {});
  const base = url.toString().slice(0, url.toString().indexOf(`/${type}`));
  return {
    ...bundle,
    link: [{ relation: 'self', url: normalised.toString() }, ...(bundle.link ?? [])],
    entry: (bundle.entry ?? []).map((e) => ({ fullUrl: `${base}/${e.resource?.resourceType}/${e.resource?.id}`, ...e })),
  };
}

function hasCategory(resource: FhirResource, tokens: string[]): boolean {
  const category = (resource as { category?: unknown }).category;
  const concepts = Array.isArray(category) ? category : category ? [category] : [];
  return concepts.some((concept: { coding?: { system?: string; code?: string }[] }) =>
    (concept?.coding ?? []).some((c) => tokens.some((t) => (t.includes('|') ? t === `${c.system ?? ''}|${c.code}` : t === c.code))),
  );
}

/** The Express app of the FHIR server (exported so tests can mount it on their own listener). */
export function fhirApp(resources: FhirResource[], requests: SeenFhirRequest[], options: FhirServerOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept, Prefer');
    res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.set('Access-Control-Expose-Headers', 'Location, Content-Location');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res.on('finish', () => {
      const url = new URL(req.originalUrl, 'http://fhir.invalid');
      const params = new URLSearchParams(url.search);
      const body: unknown = req.body;
      if (body && typeof body === 'object')
        for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') params.append(k, v);
      requests.push({
        method: req.method,
        path: url.pathname.replace(/^\/+/, ''),
        params,
        bearer: /^Bearer\s+\S/i.test(req.get('authorization') ?? ''),
        ...(req.get('user-agent') ? { userAgent: req.get('user-agent') } : {}),
        status: res.statusCode,
      });
    });
    next();
  });
  app.use(express.urlencoded({ extended: false, type: 'application/x-www-form-urlencoded' }));

  const send = (res: Response, status: number, resource: FhirResource) => res.status(status).type(FHIR_JSON).send(JSON.stringify(resource));
  const absolute = (req: Request) => new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`);

  app.get('/metadata', (_req, res) => send(res, 200, capabilityStatement(resources)));

  app.post('/:type/_search', (req, res) => {
    const type = String(req.params.type);
    if (!TYPE.test(type)) return send(res, 404, outcome('not-supported', `unknown resource type ${type}`));
    const url = absolute(req);
    const target = new URL(`${url.origin}/${type}`);
    for (const [k, v] of url.searchParams) target.searchParams.append(k, v);
    const body: unknown = req.body;
    if (body && typeof body === 'object')
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') target.searchParams.append(k, v);
    return send(res, 200, search(resources, type, target, options));
  });

  app.get('/:type/:id', (req, res) => {
    const type = String(req.params.type);
    const id = String(req.params.id);
    if (!TYPE.test(type) || !ID.test(id)) return send(res, 404, NOT_FOUND);
    const found = readResource(resources, type, id);
    return found ? send(res, 200, found) : send(res, 404, NOT_FOUND);
  });

  app.get('/:type', (req, res) => {
    const type = String(req.params.type);
    if (!TYPE.test(type)) return send(res, 404, outcome('not-supported', `unknown resource type ${type}`));
    return send(res, 200, search(resources, type, absolute(req), options));
  });

  app.use((_req: Request, res: Response) => send(res, 404, outcome('not-supported', 'unknown path')));
  return app;
}

function outcome(code: OperationOutcome['issue'][number]['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

/** Starts the FHIR server for a patient bundle on 127.0.0.1, on a free port. */
export function startFhirServer(bundle: Bundle, options: FhirServerOptions = {}): Promise<RunningFhirServer> {
  const requests: SeenFhirRequest[] = [];
  const server = http.createServer(fhirApp(resourcesOf(bundle), requests, options));
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
