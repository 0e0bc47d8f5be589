import type { FhirResource } from 'fhir/r4';
import type { HookRequest } from '../cds/types';
import type { Knowledge } from '../knowledge/knowledge';
import { prefetchTemplate } from '../knowledge/prefetch';
import type { ServiceDefinition } from '../knowledge/types';
import { GENERIC_PROFILE, type ClientProfile } from '../config/profiles';
import { FhirReader, type FhirReadLimits, type ReadRequest } from './fhir-reader';
import { primaryType, readPrefetch } from './from-prefetch';
import { buildRecord, medicationRef, type PatientRecord, type RecordType } from './patient-record';

export interface CollectLimits extends FhirReadLimits {
  /** Nothing the hook call reads waits longer than this, in all. */
  budgetMs: number;
}

export interface Collected {
  record: PatientRecord;
  /** What could not be obtained, by prefetch key, in words for the 412 OperationOutcome and the log. */
  failures: { key: string; reason: string }[];
  /** Keys read from the FHIR server (for the log). */
  readFromServer: string[];
}

/**
 * The patient's record for one hook call: prefetch first; every key missing, failed or paged is read
 * from `fhirServer` with the EHR's token, all in parallel within the call's budget; unresolved
 * `medicationReference`s are read too. What could not be obtained is marked unavailable: unknown, never absent.
 *
 * @example
 * const { record, failures } = await collectRecord(request, service, knowledge, limits);
 */
export async function collectRecord(
  request: HookRequest,
  service: ServiceDefinition,
  knowledge: Knowledge,
  limits: CollectLimits,
  profile: ClientProfile = GENERIC_PROFILE,
): Promise<Collected> {
  const prefetch = readPrefetch(request.prefetch, service);
  const resources: FhirResource[] = [...prefetch.resources];
  const failures: { key: string; reason: string }[] = [];
  const toRead: ReadRequest[] = [
    ...[...prefetch.absent, ...prefetch.failed].flatMap((key) =>
      queries(service, key, request, knowledge, profile).map((url) => ({ key, url })),
    ),
    ...prefetch.continued.map(({ key, url }) => ({ key, url, pagesRead: 1 })),
  ];

  const reader = request.fhirServer ? new FhirReader(request.fhirServer, request.fhirAuthorization?.access_token, limits) : undefined;
  const deadline = AbortSignal.timeout(limits.budgetMs);
  if (toRead.length > 0) {
    if (!reader) {
      for (const r of toRead)
        failures.push({
          key: r.key,
          reason: r.pagesRead
            ? 'the prefetch has more pages and no fhirServer was given'
            : 'not in the prefetch and no fhirServer was given',
        });
    } else {
      for (const result of await reader.readAll(toRead, deadline)) {
        resources.push(...result.resources);
        if (result.failure) failures.push({ key: result.key, reason: result.failure });
      }
    }
  }

  const unresolved = unresolvedMedications(resources);
  if (unresolved.length > 0) {
    if (!reader) failures.push({ key: 'medications', reason: 'referenced Medications were not included and no fhirServer was given' });
    else {
      const result = await reader.readMedications(unresolved, deadline);
      resources.push(...result.resources);
      if (result.failure) failures.push({ key: 'medications', reason: result.failure });
    }
  }

  const unavailable = new Set<RecordType>(failures.map((f) => (f.key === 'medications' ? 'Medication' : primaryType(service, f.key))));
  return { record: buildRecord(resources, unavailable), failures, readFromServer: reader ? [...new Set(toRead.map((r) => r.key))] : [] };
}

const TOKENS: Record<string, (request: HookRequest) => string | undefined> = {
  'context.patientId': (r) => r.context.patientId,
  'context.userId': (r) => r.context.userId,
  'context.encounterId': (r) => r.context.encounterId,
};

/**
 * The prefetch template of `key` with its tokens filled from the context, as queries relative to fhirServer:
 * one, or one per set of search parameters the EHR's profile needs (Epic searches Conditions one category at a time).
 */
function queries(service: ServiceDefinition, key: string, request: HookRequest, knowledge: Knowledge, profile: ClientProfile): string[] {
  const query = prefetchTemplate(service.prefetch[key], knowledge).replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, token: string) =>
    encodeURIComponent(TOKENS[token]?.(request) ?? ''),
  );
  const extra = profile.fallbackSearches[primaryType(service, key)];
  if (!extra?.length) return [query];
  return extra.map((params) => `${query}${query.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`);
}

/** `Medication/<id>` references of administrations, requests and dispenses that no resource in hand answers. */
function unresolvedMedications(resources: FhirResource[]): string[] {
  const held = new Set(resources.filter((r) => r.resourceType === 'Medication' && r.id).map((r) => `Medication/${r.id}`));
  const wanted = new Set<string>();
  for (const r of resources) {
    if (r.resourceType !== 'MedicationAdministration' && r.resourceType !== 'MedicationRequest' && r.resourceType !== 'MedicationDispense')
      continue;
    const reference = r.medicationReference?.reference;
    if (typeof reference !== 'string' || reference.startsWith('#')) continue;
    const normalised = medicationRef(reference);
    if (normalised && !held.has(normalised)) wanted.add(normalised);
  }
  return [...wanted];
}
