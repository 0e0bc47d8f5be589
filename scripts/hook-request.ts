/**
 * Prints a complete order-select request built from the fixtures, with today's dates, for curl:
 *
 *   npm run -s hook-request -- pos-mcode fdg-pet-ct > /tmp/req.json
 *   curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $(npm run -s token -- /cds-services/axilla-imaging-order-select)" \
 *     -d @/tmp/req.json localhost:3000/cds-services/axilla-imaging-order-select
 *
 * Without prefetch the service reads the record from the EHR's FHIR server, so the request must name one:
 *
 *   npm run -s hook-request -- pos-mcode fdg-pet-ct --no-prefetch --fhir-server http://127.0.0.1:8080/fhir/R4 [--token <access token>]
 *
 * Arguments: a patient fixture, then one or more order fixtures (all selected).
 *   --no-prefetch           leave prefetch out
 *   --fhir-server <url>     set `fhirServer` (the service reads what prefetch lacks from it)
 *   --token <access token>  set `fhirAuthorization` (Bearer, 300 s, read scopes); needs --fhir-server
 */
import { hookRequest, orderNames, patientNames } from '../fhir-fixtures/build';

const USAGE = `usage: hook-request <patient> <order>... [--no-prefetch] [--fhir-server <url>] [--token <access token>]`;
const READ_SCOPES = [
  'Patient',
  'Condition',
  'Observation',
  'Procedure',
  'MedicationAdministration',
  'MedicationRequest',
  'MedicationDispense',
  'Medication',
  'DiagnosticReport',
]
  .map((type) => `patient/${type}.read`)
  .join(' ');

function fail(message: string, listFixtures = false): never {
  const lists = listFixtures ? `patients: ${patientNames().join(' ')}\norders: ${orderNames().join(' ')}\n` : '';
  process.stderr.write(`hook-request: ${message}\n${USAGE}\n${lists}`);
  process.exit(2);
}

const positional: string[] = [];
let withPrefetch = true;
let fhirServer: string | undefined;
let accessToken: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const [flag, inline] =
    arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  const value = () => {
    const v = inline ?? args[++i];
    if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) fail(`${flag} needs a value`);
    return v;
  };
  if (flag === '--no-prefetch') withPrefetch = false;
  else if (flag === '--fhir-server') fhirServer = value().replace(/\/+$/, '');
  else if (flag === '--token') accessToken = value();
  else if (flag.startsWith('--')) fail(`unknown option ${flag}`);
  else positional.push(arg);
}

const [patient, ...orders] = positional;
if (!patient || orders.length === 0) fail('a patient and at least one order are needed', true);
if (!patientNames().includes(patient)) fail(`unknown patient ${patient}`, true);
const unknown = orders.filter((o) => !orderNames().includes(o));
if (unknown.length > 0) fail(`unknown order ${unknown.join(', ')}`, true);
if (fhirServer !== undefined && !/^https?:\/\/[^/]/.test(fhirServer)) fail(`--fhir-server must be an http(s) URL (got "${fhirServer}")`);
if (accessToken !== undefined && fhirServer === undefined)
  fail('--token needs --fhir-server (CDS Hooks sends fhirAuthorization only with fhirServer)');
if (!withPrefetch && fhirServer === undefined) {
  process.stderr.write(
    'hook-request: no prefetch and no --fhir-server: the service has nothing to read the record from and will answer 412\n',
  );
}

const request = hookRequest({ patient, orders, withPrefetch });
const { hook, hookInstance, ...rest } = request;
const body = {
  hook,
  hookInstance,
  ...(fhirServer ? { fhirServer } : {}),
  ...(accessToken
    ? {
        fhirAuthorization: {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 300,
          scope: READ_SCOPES,
          subject: 'axilla-cds',
          patient: request.context.patientId,
        },
      }
    : {}),
  ...rest,
};
process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
