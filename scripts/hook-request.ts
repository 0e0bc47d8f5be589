/**
 * Prints a complete order-select request built from the fixtures, with today's dates, for curl:
 *
 *   npm run -s hook-request -- pos-mcode fdg-pet-ct > /tmp/req.json
 *   curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $(npm run -s token -- /cds-services/axilla-imaging-order-select)" \
 *     -d @/tmp/req.json localhost:3000/cds-services/axilla-imaging-order-select
 *
 * Arguments: a patient fixture, then one or more order fixtures (all selected). `--no-prefetch` leaves prefetch out.
 */
import { hookRequest, orderNames, patientNames } from '../fhir-fixtures/build';

const args = process.argv.slice(2);
const withPrefetch = !args.includes('--no-prefetch');
const [patient, ...orders] = args.filter((a) => !a.startsWith('--'));
if (!patient || orders.length === 0 || !patientNames().includes(patient) || orders.some((o) => !orderNames().includes(o))) {
  process.stderr.write(`usage: hook-request <patient> <order>... [--no-prefetch]\npatients: ${patientNames().join(' ')}\norders: ${orderNames().join(' ')}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(hookRequest({ patient, orders, withPrefetch }), null, 2)}\n`);
