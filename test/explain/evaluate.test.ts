import { execFileSync } from 'node:child_process';
import type { ServiceRequest } from 'fhir/r4';
import { draftOrder, expectedOutcomes, patientBundle } from '../../fhir-fixtures/build';
import { loadConfig } from '../../src/config/load';
import { evaluateBundle } from '../../src/explain/evaluate';
import { explain } from '../../src/explain/explain';
import { knowledge } from '../support/app';

const { config } = loadConfig({ NODE_ENV: 'test' });
const ORDERS = ['fdg-pet-ct', 'mammography-diagnostic-unspecified'];

/** Issue 9: `npm run evaluate` explains every fixture's outcome, naming the rule and the resources behind it. */
describe.each(expectedOutcomes().map((e) => [e.fixture, e] as const))('evaluate %s', (name, expected) => {
  const bundle = patientBundle(name);
  const patientId = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!.id!;
  const result = evaluateBundle(
    bundle,
    ORDERS.map((o) => draftOrder(o, patientId) as ServiceRequest),
    knowledge(),
    config,
  );
  const text = explain(result, knowledge());

  it(`says ${expected.outcome}${expected.reason ? ` (${expected.reason})` : ''} and why`, () => {
    const outcome = text.slice(text.indexOf('\nOUTCOME\n'));
    expect(outcome).toMatch(new RegExp(`^\\nOUTCOME\\n  ${expected.outcome.toUpperCase().replace(/-/g, ' ')}`));
    if (expected.outcome === 'does-not-apply') {
      expect(outcome).toContain(`DOES NOT APPLY: ${expected.reason} (rule `);
      expect(outcome).toMatch(/\n {2}Rule: \S/);
      expect(outcome).toMatch(/\n {2}Source: \S/);
      if (result.decision.outcome.status === 'does-not-apply' && result.decision.outcome.evidence.length > 0) {
        // The resource that decided, described by what it is: its type/id and a code or words.
        expect(outcome).toMatch(/\n {2}Because of [A-Za-z]+\/[\w.-]+/);
      }
      expect(text).toContain('CARDS (0)');
    }
    if (expected.outcome === 'insufficient-data')
      for (const m of expected.missing ?? []) expect(outcome).toContain(knowledge().wording.missing[m].long);
    if (expected.outcome === 'applies') expect(text).toMatch(/CARDS \(2\)\n {2}\[WARNING\] FDG-PET\/CT: Usually not appropriate/);
  });

  it('lists every fact with the resources it came from, and no patient name', () => {
    expect(text).toMatch(/\nFACTS\n {2}Sex: /);
    const patient = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as { name?: { family?: string }[] };
    for (const n of patient.name ?? []) if (n.family) expect(text).not.toContain(n.family);
  });
});

describe('npm run evaluate', () => {
  it('runs from the command line on a bundle file and a system|code order', () => {
    const out = execFileSync(
      'npx',
      ['ts-node', '--transpile-only', 'scripts/evaluate.ts', 'fhir-fixtures/patients/neg-cn1.json', 'http://www.ama-assn.org/go/cpt|78815'],
      { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test' } },
    );
    expect(out).toContain('DOES NOT APPLY: node-positive');
    expect(out).toContain('ServiceRequest/order-1: FDG-PET/CT skull base to mid-thigh');
  }, 60_000);

  it('says what it needs when called without arguments', () => {
    let message = '';
    try {
      execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/evaluate.ts'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
      expect((error as { status?: number }).status).toBe(2);
    }
    expect(message).toMatch(/usage: npm run -s evaluate/);
  }, 60_000);
});
