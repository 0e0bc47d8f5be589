/**
 * Case review: runs the engine offline on a FHIR Bundle and prints, readably, the facts with the resources
 * they came from, the outcome and why, and the cards that would be returned. Reads the same knowledge and
 * site settings (environment) as the service; touches no store and no network.
 *
 *   npm run -s evaluate -- export.json 'http://www.ama-assn.org/go/cpt|78815'
 *   npm run -s evaluate -- pos-mcode fdg-pet-ct mammography-diagnostic-unspecified
 *
 * The bundle: a file (any Bundle of the patient's resources; the fixtures' date tokens are resolved) or a
 * patient fixture name. Each order: a file (a ServiceRequest or a Bundle of them), an order fixture name, or
 * `system|code` of the ordered procedure.
 */
import fs from 'node:fs';
import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';
import { draftOrder, orderNames, patientBundle, patientNames, resolveDateTokens } from '../fhir-fixtures/build';
import { ConfigError, loadConfig } from '../src/config/load';
import { evaluateBundle } from '../src/explain/evaluate';
import { explain } from '../src/explain/explain';
import { loadKnowledge } from '../src/knowledge/load';
import { resourcesOf } from '../src/record/patient-record';

const [source, ...orderArgs] = process.argv.slice(2);
if (!source || orderArgs.length === 0) {
  process.stderr.write('usage: npm run -s evaluate -- <bundle.json | patient fixture> <order.json | order fixture | system|code>...\n');
  process.exit(2);
}

try {
  const { config } = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const knowledge = loadKnowledge({ siteOrderCodesFile: config.siteOrderCodesFile });
  const bundle = readBundle(source);
  const patientId = resourcesOf(bundle).find((r) => r.resourceType === 'Patient')?.id ?? 'unknown';
  const orders = orderArgs.flatMap((arg, i) => readOrders(arg, patientId, i));
  process.stdout.write(explain(evaluateBundle(bundle, orders, knowledge, config), knowledge));
} catch (error) {
  process.stderr.write(`evaluate: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
}

function readBundle(arg: string): Bundle {
  if (!fs.existsSync(arg) && patientNames().includes(arg)) return patientBundle(arg);
  const json = resolveDateTokens(JSON.parse(fs.readFileSync(arg, 'utf8'))) as FhirResource;
  if (json.resourceType === 'Bundle') return json;
  return { resourceType: 'Bundle', type: 'collection', entry: [{ resource: json }] };
}

function readOrders(arg: string, patientId: string, index: number): ServiceRequest[] {
  if (fs.existsSync(arg)) {
    const json = resolveDateTokens(JSON.parse(fs.readFileSync(arg, 'utf8'))) as FhirResource;
    return resourcesOf(json).filter((r): r is ServiceRequest => r.resourceType === 'ServiceRequest');
  }
  if (orderNames().includes(arg)) return [draftOrder(arg, patientId) as ServiceRequest];
  const bar = arg.lastIndexOf('|');
  if (bar > 0) {
    return [
      {
        resourceType: 'ServiceRequest',
        id: `order-${index + 1}`,
        status: 'draft',
        intent: 'order',
        subject: { reference: `Patient/${patientId}` },
        code: { coding: [{ system: arg.slice(0, bar), code: arg.slice(bar + 1) }] },
      },
    ];
  }
  throw new Error(`"${arg}" is not a file, an order fixture (${orderNames().join(', ')}) or system|code`);
}
