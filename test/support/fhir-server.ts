import type { Bundle, FhirResource } from 'fhir/r4';
import nock from 'nock';
import { NOT_FOUND, readResource, searchBundle, type SearchOptions } from '../../fhir-fixtures/search';

export const FHIR_ORIGIN = 'https://ehr.example.org';
export const FHIR_BASE = `${FHIR_ORIGIN}/fhir/R4`;

export type Failure =
  'status-500' | 'timeout' | 'html' | 'operation-outcome' | 'bundle-with-operation-outcome' | 'endless-pages' | 'not-json';

export interface SeenRequest {
  path: string;
  type: string;
  query: URLSearchParams;
  authorization?: string;
}

export interface MockOptions extends SearchOptions {
  /** A resource type whose reads fail, and how. */
  fail?: Partial<Record<string, Failure>>;
  delayMs?: number;
}

/**
 * A FHIR R4 server played by nock at the HTTP level, answering from one patient bundle as an EHR would:
 * `Patient/<id>` reads, type searches by `patient`, `code` (system|code lists), `_include` of
 * medications, paging with `next` links, and injected failures. Every request is recorded.
 */
export function mockFhirServer(bundle: Bundle, options: MockOptions = {}): { requests: SeenRequest[]; done: () => void } {
  const resources = (bundle.entry ?? []).map((e) => e.resource as FhirResource);
  const requests: SeenRequest[] = [];
  for (const [type, failure] of Object.entries(options.fail ?? {})) {
    if (failure !== 'timeout') continue;
    nock(FHIR_ORIGIN)
      .persist()
      .get(new RegExp(`^/fhir/R4/${type}[/?]`))
      .delay(60_000)
      .reply(function reply(uri) {
        const url = new URL(uri, FHIR_ORIGIN);
        requests.push({
          path: url.pathname.replace('/fhir/R4/', ''),
          type,
          query: url.searchParams,
          authorization: this.req.headers.authorization,
        });
        return [200, { resourceType: 'Bundle', type: 'searchset', entry: [] }];
      });
  }
  const scope = nock(FHIR_ORIGIN)
    .persist()
    .get(/^\/fhir\/R4\//)
    .delay(options.delayMs ?? 0)
    .reply(function reply(uri) {
      const url = new URL(uri, FHIR_ORIGIN);
      const path = url.pathname.replace('/fhir/R4/', '');
      const [type, id] = path.split('/');
      requests.push({ path, type, query: url.searchParams, authorization: this.req.headers.authorization });
      const failure = options.fail?.[type];
      if (failure) return failed(failure, url);
      if (id) {
        const found = readResource(resources, type, id);
        return found ? [200, found, { 'Content-Type': 'application/fhir+json' }] : [404, NOT_FOUND];
      }
      return [200, searchBundle(resources, type, url, options), { 'Content-Type': 'application/fhir+json' }];
    });
  return { requests, done: () => scope.persist(false) };
}

function failed(failure: Failure, url: URL): [number, unknown, Record<string, string>?] {
  switch (failure) {
    case 'status-500':
      return [500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }];
    case 'html':
      return [200, '<html><body><h1>Sign in</h1></body></html>', { 'Content-Type': 'text/html' }];
    case 'not-json':
      return [502, 'Bad gateway', { 'Content-Type': 'text/plain' }];
    case 'operation-outcome':
      return [200, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing' }] }];
    case 'bundle-with-operation-outcome':
      return [
        200,
        {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly' }] },
              search: { mode: 'outcome' },
            },
          ],
        },
      ];
    case 'endless-pages': {
      const page = Number(url.searchParams.get('_page') ?? '1');
      const next = new URL(url.toString());
      next.searchParams.set('_page', String(page + 1));
      return [200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: next.toString() }], entry: [] }];
    }
    case 'timeout':
      throw new Error('answered by the delayed interceptor');
  }
}
