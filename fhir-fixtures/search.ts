import type { Bundle, FhirResource, OperationOutcome } from 'fhir/r4';

/**
 * Answers FHIR R4 reads and searches from a fixture's resources, as an EHR would: type searches by
 * `patient`, `code` (system|code lists), `_include` of Medications, and paging with `next` links
 * (`_page`). Shared by the tests' nock server and the benchmark's FHIR stub.
 */
export interface SearchOptions {
  /** Resources per page; more make `next` links. */
  pageSize?: number;
  /** Leave out `_include`d Medications (so they must be read one by one). */
  ignoreInclude?: boolean;
}

export const NOT_FOUND: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] };

export function readResource(resources: FhirResource[], type: string, id: string): FhirResource | undefined {
  return resources.find((r) => r.resourceType === type && r.id === id);
}

export function searchBundle(resources: FhirResource[], type: string, url: URL, options: SearchOptions = {}): Bundle {
  const patient = url.searchParams.get('patient');
  const codes = url.searchParams.get('code')?.split(',');
  let matches = resources.filter(
    (r) =>
      r.resourceType === type && (!patient || JSON.stringify((r as { subject?: unknown }).subject ?? '').includes(`Patient/${patient}`)),
  );
  if (codes) {
    matches = matches.filter((r) =>
      ((r as { code?: { coding?: { system?: string; code?: string }[] } }).code?.coding ?? []).some(
        (c) => codes.includes(`${c.system}|${c.code}`) || codes.includes(c.code ?? ''),
      ),
    );
  }
  const include = url.searchParams.get('_include');
  const included = include && !options.ignoreInclude ? resources.filter((r) => r.resourceType === 'Medication') : [];
  const page = Number(url.searchParams.get('_page') ?? '1');
  const size = options.pageSize ?? 1000;
  const slice = matches.slice((page - 1) * size, page * size);
  const next = page * size < matches.length;
  const nextUrl = new URL(url.toString());
  nextUrl.searchParams.set('_page', String(page + 1));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    ...(next ? { link: [{ relation: 'next', url: nextUrl.toString() }] } : {}),
    entry: [
      ...slice.map((resource) => ({ resource, search: { mode: 'match' as const } })),
      ...(page === 1 ? included.map((resource) => ({ resource, search: { mode: 'include' as const } })) : []),
    ],
  };
}
