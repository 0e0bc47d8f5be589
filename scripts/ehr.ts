/**
 * npm run ehr -- <patient-fixture> <order-fixture>... [--profile generic|epic|oracle-health|cds-hooks-sandbox]
 *                [--service <base url, default http://localhost:3000>] [--accept <n>] [--no-prefetch]
 *
 * Plays an EHR against a RUNNING service (`npm start`): serves the patient's record as a FHIR R4 server on
 * 127.0.0.1, reads discovery, fires order-select (every order selected) then order-sign as the profile's EHR
 * would, prints the cards as a clinician sees them and the ratings written onto the orders, accepts the n-th
 * suggestion of the first card that has some (default 1; 0: none), prints the resulting draft orders and sends
 * feedback. Exits 0 when every call answered 2xx.
 *
 *   npm run ehr -- pos-mcode fdg-pet-ct --profile cds-hooks-sandbox
 *   npm run ehr -- pos-mcode fdg-pet-ct us-axilla --profile epic --no-prefetch
 */
import { orderNames, patientNames } from '../fhir-fixtures/build';
import { EhrError, runEhr } from './ehr/client';
import { printSession } from './ehr/print';
import { isProfileName, PROFILE_NAMES, serviceProfileNames, type ProfileName } from './ehr/profiles';

export interface EhrArguments {
  patient: string;
  orders: string[];
  profile: ProfileName;
  service: string;
  accept: number;
  prefetch: boolean;
}

const USAGE = `usage: npm run ehr -- <patient> <order>... [--profile ${PROFILE_NAMES.join('|')}] [--service <base url>] [--accept <n>] [--no-prefetch]`;

/** The command line, checked; throws an Error whose message says what is wrong and how to call it. */
export function parseArguments(argv: string[]): EhrArguments {
  const positional: string[] = [];
  let profile: string = 'generic';
  let service = 'http://localhost:3000';
  let accept = 1;
  let prefetch = true;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      i += 1;
      return v;
    };
    if (arg === '--profile') profile = value();
    else if (arg === '--service') service = value();
    else if (arg === '--accept') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`--accept takes a number (0: accept nothing), not "${v}"\n${USAGE}`);
      accept = Number(v);
    } else if (arg === '--no-prefetch') prefetch = false;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  const [patient, ...orders] = positional;
  if (!patient || orders.length === 0) throw new Error(USAGE);
  if (!patientNames().includes(patient))
    throw new Error(`no patient fixture "${patient}" (fhir-fixtures/patients/); one of: ${patientNames().join(' ')}`);
  const unknown = orders.filter((o) => !orderNames().includes(o));
  if (unknown.length)
    throw new Error(
      `no order fixture ${unknown.map((o) => `"${o}"`).join(', ')} (fhir-fixtures/orders/); one of: ${orderNames().join(' ')}`,
    );
  if (!isProfileName(profile)) throw new Error(`unknown profile "${profile}"; one of: ${PROFILE_NAMES.join(', ')}`);
  if (!/^https?:\/\/[^/]+/.test(service))
    throw new Error(`--service must be an http(s) base URL such as http://localhost:3000 (got "${service}")`);
  return { patient, orders, profile, service: service.replace(/\/+$/, ''), accept, prefetch };
}

async function main(): Promise<number> {
  let args: EhrArguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const known = serviceProfileNames();
  if (known.length && !known.includes(args.profile))
    process.stderr.write(`note: the service has no config/profiles/${args.profile}.json; it will treat this EHR as generic\n`);
  try {
    const session = await runEhr(args);
    process.stdout.write(`${printSession(session)}\n`);
    return session.problems.length ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${error instanceof EhrError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    return 1;
  }
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
