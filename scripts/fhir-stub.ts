/**
 * A local FHIR R4 stub (no nock) answering from one patient fixture, for `npm run bench`:
 *   npx ts-node --transpile-only scripts/fhir-stub.ts pos-mcode
 * Listens on 127.0.0.1 (PORT, default any free port) and prints {"msg":"listening","port":N} once it does.
 *
 * Bases:
 *   /fhir/R4                        the fixture as written, every search on one page, no delay
 *   /bench/<options>/fhir/R4        the same fixture served with options, comma-separated:
 *                                     delay=<ms>   every answer waits this long (an EHR's FHIR server far away)
 *                                     page=<n>     search pages of n resources, with `next` links
 *                                     obs=<n>      the record grown to n Observations (scripts/bench/records.ts)
 *                                     ma=<n>       and n chemotherapy MedicationAdministrations
 *   e.g. /bench/delay=20/fhir/R4, /bench/page=100,obs=2000,ma=500/fhir/R4
 * Searches and reads are answered by fhir-fixtures/search.ts; `next` links keep the host and port called.
 */
import express, { type Request, type Response } from 'express';
import type { FhirResource } from 'fhir/r4';
import { patientBundle } from '../fhir-fixtures/build';
import { NOT_FOUND, readResource, searchBundle } from '../fhir-fixtures/search';
import { grownRecord } from './bench/records';

interface Options {
  delayMs: number;
  pageSize?: number;
  observations?: number;
  medicationAdministrations: number;
}

const MAX_DELAY_MS = 10_000;
const MAX_RECORD = 20_000;

const patient = process.argv[2] ?? 'pos-mcode';
const plain = (patientBundle(patient).entry ?? []).map((e) => e.resource as FhirResource);
const records = new Map<string, FhirResource[]>();

function parseOptions(text: string): Options | undefined {
  const options: Options = { delayMs: 0, medicationAdministrations: 0 };
  for (const part of text.split(',')) {
    const [name, value] = part.split('=');
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) return undefined;
    if (name === 'delay' && n <= MAX_DELAY_MS) options.delayMs = n;
    else if (name === 'page' && n > 0) options.pageSize = n;
    else if (name === 'obs' && n <= MAX_RECORD) options.observations = n;
    else if (name === 'ma' && n <= MAX_RECORD) options.medicationAdministrations = n;
    else return undefined;
  }
  return options;
}

function resourcesFor(options: Options): FhirResource[] {
  if (options.observations === undefined && options.medicationAdministrations === 0) return plain;
  const key = `${options.observations ?? ''}/${options.medicationAdministrations}`;
  let resources = records.get(key);
  if (!resources) {
    const existing = plain.filter((r) => r.resourceType === 'Observation').length;
    resources = grownRecord(patient, options.observations ?? existing, options.medicationAdministrations);
    records.set(key, resources);
  }
  return resources;
}

function answer(req: Request, res: Response, options: Options): void {
  // The URL as called (host and port included), so that `next` links stay on this server.
  const url = new URL(req.originalUrl, `http://${req.headers.host ?? '127.0.0.1'}`);
  const [type, id] = url.pathname.replace(/^.*?\/fhir\/R4\//, '').split('/');
  const resources = resourcesFor(options);
  const send = () => {
    res.type('application/fhir+json');
    if (id) {
      const found = readResource(resources, type, id);
      res.status(found ? 200 : 404).send(JSON.stringify(found ?? NOT_FOUND));
      return;
    }
    res.send(JSON.stringify(searchBundle(resources, type, url, options.pageSize ? { pageSize: options.pageSize } : {})));
  };
  if (options.delayMs > 0) setTimeout(send, options.delayMs);
  else send();
}

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/fhir/R4/*path', (req, res) => answer(req, res, { delayMs: 0, medicationAdministrations: 0 }));
app.get('/bench/:options/fhir/R4/*path', (req, res) => {
  const options = parseOptions(String(req.params.options));
  if (!options) {
    res.status(400).type('application/fhir+json').send(JSON.stringify(NOT_FOUND));
    return;
  }
  answer(req, res, options);
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
