import { expectedOutcomes } from '../../fhir-fixtures/build';
import { decideFor } from '../support/engine';

/** Every patient fixture against the outcome its author (a clinician's reading of the rules) expects. */
describe.each(expectedOutcomes().map((e) => [e.fixture, e] as const))('fixture %s', (_name, expected) => {
  const decision = decideFor(expected.fixture);

  it(`${expected.outcome}${expected.reason ? ` (${expected.reason})` : ''}: ${expected.description}`, () => {
    expect(decision.outcome.status).toBe(expected.outcome);
    if (decision.outcome.status === 'does-not-apply') {
      expect(decision.outcome.reason).toBe(expected.reason);
    }
    if (decision.outcome.status === 'insufficient-data') {
      expect([...decision.outcome.missing].sort()).toEqual([...(expected.missing ?? [])].sort());
    }
    expect(Boolean(decision.facts.clippedNode)).toBe(Boolean(expected.clippedNode));
    if (expected.outcome === 'applies') {
      expect(decision.facts.chemotherapy.value).toBe(expected.chemotherapyStoppedEarly ? 'stopped-early' : 'completed');
    }
  });

  if (expected.outcome === 'does-not-apply' && expected.reason !== 'no-breast-cancer' && expected.reason !== 'chemotherapy-not-started') {
    it('names the resources that exclude the patient', () => {
      expect(decision.outcome.status === 'does-not-apply' && decision.outcome.evidence.length).toBeGreaterThan(0);
    });
  }
});

/** Issue 8: every kind of real-world record is written in at least two styles, one as an EHR writes it, one as mCODE or Synthea does. */
describe('real-world coverage', () => {
  const kinds = new Map<string, Set<string>>();
  for (const e of expectedOutcomes()) if (e.kind) kinds.set(e.kind, new Set([...(kinds.get(e.kind) ?? []), e.style ?? '']));
  it.each([...kinds].map(([kind, styles]) => [kind, [...styles].sort().join(', ')] as const))('%s: %s', (_kind, styles) => {
    expect(styles).toMatch(/epic|oracle-health/);
    expect(styles).toMatch(/mcode|synthea/);
  });
});
