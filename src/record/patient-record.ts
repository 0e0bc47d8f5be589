import type {
  Condition,
  DiagnosticReport,
  FhirResource,
  Medication,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
} from 'fhir/r4';

/** The resource types the engine reads. */
export type RecordType =
  | 'Patient'
  | 'Condition'
  | 'Observation'
  | 'Procedure'
  | 'MedicationAdministration'
  | 'MedicationRequest'
  | 'MedicationDispense'
  | 'Medication'
  | 'DiagnosticReport';

/**
 * What the EHR gave us about the patient, resolved from prefetch (and, later, the FHIR server).
 * `unavailable` lists types that could not be obtained: facts they would give are unknown, never absent.
 */
export interface PatientRecord {
  patient?: Patient;
  conditions: Condition[];
  observations: Observation[];
  procedures: Procedure[];
  medicationAdministrations: MedicationAdministration[];
  medicationRequests: MedicationRequest[];
  medicationDispenses: MedicationDispense[];
  /** Pathology and other reports: the result of a node biopsy may be written only there. */
  diagnosticReports: DiagnosticReport[];
  /** Medications by `Medication/<id>`, for `medicationReference`. */
  medications: Map<string, Medication>;
  unavailable: Set<RecordType>;
}

/** Where each searched resource type goes in a record. */
type ListKey =
  | 'conditions'
  | 'observations'
  | 'procedures'
  | 'medicationAdministrations'
  | 'medicationRequests'
  | 'medicationDispenses'
  | 'diagnosticReports';
const LISTS: Partial<Record<string, ListKey>> = {
  Condition: 'conditions',
  Observation: 'observations',
  Procedure: 'procedures',
  MedicationAdministration: 'medicationAdministrations',
  MedicationRequest: 'medicationRequests',
  MedicationDispense: 'medicationDispenses',
  DiagnosticReport: 'diagnosticReports',
};

/** Sorts resources into a record, keeping the first of any duplicate `Type/id` (a superset from the server is fine). */
export function buildRecord(resources: Iterable<FhirResource>, unavailable: Iterable<RecordType> = []): PatientRecord {
  const record: PatientRecord = {
    conditions: [],
    observations: [],
    procedures: [],
    medicationAdministrations: [],
    medicationRequests: [],
    medicationDispenses: [],
    diagnosticReports: [],
    medications: new Map(),
    unavailable: new Set(unavailable),
  };
  const seen = new Set<string>();
  for (const resource of resources) {
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') continue;
    const key = `${resource.resourceType}/${resource.id ?? `#${seen.size}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (resource.resourceType === 'Patient') record.patient ??= resource;
    else if (resource.resourceType === 'Medication') {
      if (resource.id) record.medications.set(`Medication/${resource.id}`, resource);
    } else {
      const list = LISTS[resource.resourceType];
      if (list) (record[list] as FhirResource[]).push(resource);
    }
  }
  return record;
}

/** The resources a prefetch value or search result holds: a Bundle's entries, or the resource itself. */
export function resourcesOf(value: FhirResource): FhirResource[] {
  if (value.resourceType !== 'Bundle') return [value];
  return (Array.isArray(value.entry) ? value.entry : []).flatMap((e) =>
    e?.resource && typeof e.resource === 'object' ? [e.resource as FhirResource] : [],
  );
}

/** A read that failed: an OperationOutcome instead of data, or a Bundle carrying one (spec: check prefetch for them). */
export function isFailedRead(value: FhirResource): boolean {
  if (value.resourceType === 'OperationOutcome') return true;
  return resourcesOf(value).some((r) => r.resourceType === 'OperationOutcome' && hasErrorIssue(r));
}

function hasErrorIssue(outcome: FhirResource): boolean {
  const issues = (outcome as { issue?: { severity?: string }[] }).issue;
  // A searchset may carry an informational OperationOutcome (e.g. "results limited"); only errors fail the read.
  return !Array.isArray(issues) || issues.some((i) => i?.severity === 'error' || i?.severity === 'fatal');
}

/** "Medication/123" from a relative or absolute reference. */
export function medicationRef(reference: string): string | undefined {
  const match = /(?:^|\/)(Medication\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return match?.[1];
}
