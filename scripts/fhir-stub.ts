/**
 * A local FHIR R4 stub (no nock) answering from one patient fixture, for `npm run bench`:
 *   npx ts-node --transpile-only scripts/fhir-stub.ts pos-mcode
 * Prints {"msg":"listening","port":N} once it listens on 127.0.0.1.
 */
import express from 'express';
import type { FhirResource } from 'fhir/r4';
import { patientBundle } from '../fhir-fixtures/build';
import { NOT_FOUND, readResource, searchBundle } from '../fhir-fixtures/search';

const patient = process.argv[2] ?? 'pos-mcode';
const resources = (patientBundle(patient).entry ?? []).map((e) => e.resource as FhirResource);
const app = express();
app.disable('x-powered-by');
app.get('/fhir/R4/*path', (req, res) => {
  const url = new URL(req.originalUrl, 'http://127.0.0.1');
  const [type, id] = url.pathname.replace('/fhir/R4/', '').split('/');
  res.type('application/fhir+json');
  if (id) {
    const found = readResource(resources, type, id);
    res.status(found ? 200 : 404).send(JSON.stringify(found ?? NOT_FOUND));
    return;
  }
  res.send(JSON.stringify(searchBundle(resources, type, url)));
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
