import createDebug from 'debug';
import Client from 'fhir-kit-client';
import type { Bundle, FhirResource } from 'fhir/r4';
import { ADDRESS_NOT_ALLOWED, fhirDispatcher, isForbiddenAddress } from './network-guard';
import { isFailedRead, resourcesOf } from './patient-record';

// fhir-kit-client's debug output prints request headers, the EHR's bearer token among them: whatever DEBUG says,
// its namespaces stay off (debug is shared, so this applies to the client's own loggers).
createDebug.enable([createDebug.disable(), '-fhir-kit-client:*'].filter(Boolean).join(','));

export interface FhirReadLimits {
  /** Each HTTP request is abandoned after this long. */
  readTimeoutMs: number;
  /** A response larger than this (Content-Length, or bytes read) is a failed read. */
  maxResponseBytes: number;
  /** All responses of one hook call together; beyond it, reads fail. */
  maxCallBytes: number;
  /** Refuse loopback, private, link-local and metadata addresses (an EHR that did not declare its FHIR servers). */
  guardAddresses?: boolean;
  /** Pages followed per search (`next` links); a search with more is a truncated read. */
  maxPages: number;
  /** Medication reads to resolve `medicationReference`s that no `_include` brought. */
  maxMedicationReads: number;
}

export interface ReadRequest {
  key: string;
  /** A relative query (`Observation?patient=…`) or an absolute `next` link to continue. */
  url: string;
  /** Resources already held for this key (a prefetch page whose `next` link is being followed). */
  pagesRead?: number;
}

export interface ReadResult {
  key: string;
  resources: FhirResource[];
  /** Why the read failed, in words safe to log and to return (never the token, never patient data). */
  failure?: string;
}

/**
 * Reads from the EHR's FHIR server with the token the EHR handed us (none when it sent none),
 * through fhir-kit-client. Every request is bounded by `readTimeoutMs` and by `deadline`; `next`
 * links are followed only on the FHIR server's own origin, so the token never goes elsewhere.
 *
 * @example
 * const reader = new FhirReader('https://ehr.example.org/fhir/R4', accessToken, limits);
 * const [conditions] = await reader.readAll([{ key: 'conditions', url: 'Condition?patient=123' }], AbortSignal.timeout(2500));
 */
export class FhirReader {
  private readonly client: Client;
  private readonly base: URL;
  private bytesRead = 0;
  /** Why no read may be made at all (the server's address is one the guard refuses). */
  private readonly refused?: string;

  constructor(
    fhirServer: string,
    accessToken: string | undefined,
    private readonly limits: FhirReadLimits,
  ) {
    this.base = new URL(`${fhirServer.replace(/\/+$/, '')}/`);
    // A redirect is a failed read: each hop would have to pass the same checks, and the token would follow it.
    const requestOptions = {
      redirect: 'manual' as const,
      dispatcher: fhirDispatcher({ guard: Boolean(limits.guardAddresses), maxResponseBytes: limits.maxResponseBytes }),
    };
    this.client = new Client({
      baseUrl: this.base.href.replace(/\/+$/, ''),
      requestOptions,
      ...(accessToken ? { bearerToken: accessToken } : {}),
    });
    const literal = this.base.hostname.replace(/^\[|\]$/g, '');
    if (limits.guardAddresses && isForbiddenAddress(literal)) this.refused = 'the FHIR server address is not allowed';
  }

  readAll(requests: ReadRequest[], deadline: AbortSignal): Promise<ReadResult[]> {
    return Promise.all(requests.map((r) => this.readOne(r, deadline)));
  }

  /** Reads each `Medication/<id>` not yet held; a failed one makes medications unknown. */
  async readMedications(references: string[], deadline: AbortSignal): Promise<ReadResult> {
    const wanted = references.slice(0, this.limits.maxMedicationReads);
    if (references.length > wanted.length) {
      return {
        key: 'medications',
        resources: [],
        failure: `${references.length} referenced Medications exceed the limit of ${this.limits.maxMedicationReads} reads`,
      };
    }
    const results = await Promise.all(wanted.map((ref) => this.readOne({ key: 'medications', url: ref }, deadline)));
    const failed = results.find((r) => r.failure);
    return { key: 'medications', resources: results.flatMap((r) => r.resources), ...(failed ? { failure: failed.failure } : {}) };
  }

  private async readOne(request: ReadRequest, deadline: AbortSignal): Promise<ReadResult> {
    if (this.refused) return { key: request.key, resources: [], failure: this.refused };
    const resources: FhirResource[] = [];
    let url: string | undefined = request.url;
    let pages = request.pagesRead ?? 0;
    while (url) {
      if (pages >= this.limits.maxPages)
        return { key: request.key, resources, failure: `more than ${this.limits.maxPages} pages (truncated read)` };
      const target = this.within(url);
      if (!target) return { key: request.key, resources, failure: 'a next link points outside the FHIR server (not followed)' };
      const page = await this.get(target, deadline);
      if ('failure' in page) return { key: request.key, resources, failure: page.failure };
      pages += 1;
      if (isFailedRead(page.resource)) return { key: request.key, resources, failure: 'the FHIR server answered with an OperationOutcome' };
      resources.push(...resourcesOf(page.resource).filter((r) => r.resourceType !== 'OperationOutcome'));
      url = page.resource.resourceType === 'Bundle' ? nextLink(page.resource) : undefined;
    }
    return { key: request.key, resources };
  }

  /**
   * The absolute URL of a query or link, only if it stays under the FHIR server's base URL: the token
   * is sent to no other place. Parsing first (not pattern-matching) defeats tricks like "http\n://".
   */
  private within(url: string): string | undefined {
    let resolved: URL;
    try {
      resolved = new URL(url, this.base);
    } catch {
      return undefined;
    }
    return resolved.origin === this.base.origin && resolved.pathname.startsWith(this.base.pathname) ? resolved.href : undefined;
  }

  private async get(url: string, deadline: AbortSignal): Promise<{ resource: FhirResource } | { failure: string }> {
    const signal = AbortSignal.any([deadline, AbortSignal.timeout(this.limits.readTimeoutMs)]);
    try {
      const data: unknown = await this.client.request(url, { options: { signal } });
      if (!data || typeof data !== 'object' || typeof (data as { resourceType?: unknown }).resourceType !== 'string') {
        return { failure: 'the FHIR server answered with something that is not a FHIR resource' };
      }
      this.bytesRead += responseBytes(data);
      if (this.bytesRead > this.limits.maxCallBytes)
        return { failure: `the FHIR responses of this call exceed ${this.limits.maxCallBytes} bytes` };
      return { resource: data as FhirResource };
    } catch (error) {
      return { failure: describeFailure(error, deadline, this.limits) };
    }
  }
}

export function nextLink(bundle: Bundle): string | undefined {
  const link = (Array.isArray(bundle.link) ? bundle.link : []).find((l) => l?.relation === 'next');
  return typeof link?.url === 'string' && link.url !== '' ? link.url : undefined;
}

/** How many bytes a response took: its Content-Length, or the size of what was parsed. */
function responseBytes(data: object): number {
  const length = Number(
    (data as { __response?: { headers?: { get?: (name: string) => string | null } } }).__response?.headers?.get?.('content-length'),
  );
  return Number.isFinite(length) && length > 0 ? length : JSON.stringify(data).length;
}

/**
 * fhir-kit-client rejects with `{ response: { status, data }, config: { headers } }`: the headers hold
 * the bearer token, so only the status is kept. Network errors and aborts become plain words.
 */
function describeFailure(error: unknown, deadline: AbortSignal, limits: FhirReadLimits): string {
  const status = (error as { response?: { status?: unknown } })?.response?.status;
  if (typeof status === 'number') {
    const data = (error as { response?: { data?: unknown } }).response?.data;
    if (status >= 300 && status < 400) return `the FHIR server answered ${status} (a redirect is not followed)`;
    return status >= 200 && status < 300 && typeof data === 'string'
      ? `the FHIR server answered ${status} with a body that is not JSON`
      : `the FHIR server answered ${status}`;
  }
  const codes = causes(error);
  // undici cuts a body off past maxResponseSize; where its cause is not passed on, fetch reports only "terminated".
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return `a response was larger than ${limits.maxResponseBytes} bytes`;
  if ((error as Error)?.message === 'terminated')
    return `a response was cut off (larger than ${limits.maxResponseBytes} bytes, or the connection dropped)`;
  if (codes.includes(ADDRESS_NOT_ALLOWED)) return 'the FHIR server address is not allowed';
  const name = (error as Error)?.name;
  if (deadline.aborted) return 'the hook call ran out of time';
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${limits.readTimeoutMs} ms`;
  return 'the FHIR server could not be reached';
}

/** The `code`s along an error's `cause` chain (fetch wraps the network error). */
function causes(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++)
    if (typeof e.code === 'string') out.push(e.code);
  return out;
}
