import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, FhirResource, Patient } from 'fhir/r4';

/**
 * Turns the fixture files into concrete FHIR and hook requests.
 *
 * Fixture dates are tokens relative to "now", so the suite never expires:
 * `"{{date:-180}}"` is the date 180 days ago, `"{{dateTime:-180}}"` that day at 10:00:00Z,
 * `"{{dateTime:-21@23:30:00-05:00}}"` that day at 23:30 local time with a -05:00 offset (the date as written);
 * in orders, `"{{patient}}"` is `Patient/<id>` of the patient the order is used with.
 *
 * @example
 * const request = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] });
 */
const DIR = __dirname;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ExpectedOutcome {
  fixture: string;
  description: string;
  outcome: 'applies' | 'does-not-apply' | 'insufficient-data';
  reason?: string;
  missing?: string[];
  clippedNode?: boolean;
  /** The kind of real-world record the fixture stands for (e.g. "distant-metastasis"), for counting coverage. */
  kind?: string;
  /** The system whose way of writing records it imitates: epic, oracle-health, mcode, synthea, or tidy. */
  style?: string;
  /** For a patient the variant applies to: the chemotherapy ended early (stopped), and the card must say so. */
  chemotherapyStoppedEarly?: boolean;
}

export function patientNames(): string[] {
  return fs
    .readdirSync(path.join(DIR, 'patients'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function orderNames(): string[] {
  return fs
    .readdirSync(path.join(DIR, 'orders'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function expectedOutcomes(): ExpectedOutcome[] {
  return fs
    .readdirSync(path.join(DIR, 'expected'))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(DIR, 'expected', f), 'utf8')) as ExpectedOutcome[]);
}

/** A patient's whole record (a collection Bundle) with dates resolved against `now`. */
export function patientBundle(name: string, now = new Date()): Bundle {
  return materialise(readJson(`patients/${name}.json`), now, undefined) as Bundle;
}

export function patientOf(bundle: Bundle): Patient {
  const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  if (!patient) throw new Error('fixture bundle has no Patient');
  return patient as Patient;
}

/** A draft order for `patientId`, with its id made unique per call when `idSuffix` is given. */
export function draftOrder(name: string, patientId: string, now = new Date(), idSuffix = ''): FhirResource {
  const order = materialise(readJson(`orders/${name}.json`), now, patientId) as FhirResource & { id: string };
  return { ...order, id: `${order.id}${idSuffix}` };
}

/** The prefetch keys of the order-select service, answered from a patient bundle as an EHR would. */
const PREFETCH_TYPES: Record<string, string[]> = {
  conditions: ['Condition'],
  observations: ['Observation'],
  procedures: ['Procedure'],
  medicationAdministrations: ['MedicationAdministration', 'Medication'],
  medicationRequests: ['MedicationRequest', 'Medication'],
  medicationDispenses: ['MedicationDispense', 'Medication'],
  diagnosticReports: ['DiagnosticReport'],
};

export function prefetchFor(bundle: Bundle): Record<string, FhirResource> {
  const resources = (bundle.entry ?? []).map((e) => e.resource as FhirResource);
  const prefetch: Record<string, FhirResource> = { patient: patientOf(bundle) };
  for (const [key, types] of Object.entries(PREFETCH_TYPES)) {
    prefetch[key] = searchset(resources.filter((r) => types.includes(r.resourceType)));
  }
  return prefetch;
}

export function searchset(resources: FhirResource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({ fullUrl: `https://ehr.example.org/fhir/R4/${resource.resourceType}/${resource.id}`, resource })),
  };
}

export interface HookRequestOptions {
  patient: string;
  /** Order fixture names, all drafted in this ordering session. */
  orders: string[];
  /** Which of them were just selected (default: all). */
  selected?: string[];
  hook?: 'order-select' | 'order-sign';
  withPrefetch?: boolean;
  now?: Date;
}

/** A complete CDS Hooks request, as an EHR would send it. */
export function hookRequest(options: HookRequestOptions) {
  const now = options.now ?? new Date();
  const bundle = patientBundle(options.patient, now);
  const patientId = patientOf(bundle).id as string;
  const drafts = options.orders.map((name) => draftOrder(name, patientId, now));
  const selected = new Set(options.selected ?? options.orders);
  const selections = options.orders.flatMap((name, i) => (selected.has(name) ? [`${drafts[i].resourceType}/${drafts[i].id}`] : []));
  const hook = options.hook ?? 'order-select';
  return {
    hook,
    hookInstance: crypto.randomUUID(),
    context: {
      userId: 'Practitioner/dr-radiology-1',
      patientId,
      encounterId: `${patientId}-enc-1`,
      ...(hook === 'order-select' ? { selections } : {}),
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) },
    },
    ...(options.withPrefetch === false ? {} : { prefetch: prefetchFor(bundle) }),
  };
}

function readJson(relative: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(DIR, relative), 'utf8'));
}

/** Any JSON with the fixtures' date tokens resolved against `now` (for files exported with tokens left in). */
export function resolveDateTokens(value: unknown, now = new Date()): unknown {
  return materialise(value, now, undefined);
}

function materialise(value: unknown, now: Date, patientId: string | undefined): unknown {
  if (typeof value === 'string') return resolveToken(value, now, patientId);
  if (Array.isArray(value)) return value.map((v) => materialise(v, now, patientId));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialise(v, now, patientId)]));
  }
  return value;
}

function resolveToken(text: string, now: Date, patientId: string | undefined): string {
  const match = /^\{\{(date|dateTime):(-?\d+)(?:@(\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})))?\}\}$/.exec(text);
  if (match) {
    const day = new Date(now.getTime() + Number(match[2]) * DAY_MS).toISOString().slice(0, 10);
    return match[1] === 'date' ? day : `${day}T${match[3] ?? '10:00:00Z'}`;
  }
  if (text === '{{patient}}') {
    if (!patientId) return text;
    return `Patient/${patientId}`;
  }
  return text;
}
