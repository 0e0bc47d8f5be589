import type { FhirResource } from 'fhir/r4';
import type { ServiceDefinition } from '../knowledge/types';
import { nextLink } from './fhir-reader';
import { isFailedRead, resourcesOf, type RecordType } from './patient-record';

export interface PrefetchReading {
  resources: FhirResource[];
  /** Prefetch keys the EHR did not send: to be read from the FHIR server, or unknown. */
  absent: string[];
  /** Keys the EHR sent as an OperationOutcome (or a Bundle carrying one): a failed read, not an empty one. */
  failed: string[];
  /** Keys whose prefetch Bundle is one page of several: the rest is read by following `next`. */
  continued: { key: string; url: string }[];
}

/**
 * Reads the hook's prefetch against the service's templates. `null` means "no data" and is final;
 * an absent key was not prefetched; an OperationOutcome is a failed read.
 */
export function readPrefetch(prefetch: Record<string, FhirResource | null>, service: ServiceDefinition): PrefetchReading {
  const reading: PrefetchReading = { resources: [], absent: [], failed: [], continued: [] };
  for (const key of Object.keys(service.prefetch)) {
    if (!(key in prefetch)) {
      reading.absent.push(key);
      continue;
    }
    const value = prefetch[key];
    if (value === null) continue;
    // Not a FHIR resource at all, or an OperationOutcome: the EHR failed to read it, which is not "no data".
    if (typeof (value as { resourceType?: unknown }).resourceType !== 'string' || isFailedRead(value)) {
      reading.failed.push(key);
      continue;
    }
    reading.resources.push(...resourcesOf(value).filter((r) => r.resourceType !== 'OperationOutcome'));
    const next = value.resourceType === 'Bundle' ? nextLink(value) : undefined;
    if (next) reading.continued.push({ key, url: next });
  }
  return reading;
}

/** The resource type a prefetch key is for (its first declared type; `_include`d ones come along). */
export function primaryType(service: ServiceDefinition, key: string): RecordType {
  return service.prefetch[key].resourceTypes[0] as RecordType;
}
