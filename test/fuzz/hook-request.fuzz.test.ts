import fc from 'fast-check';
import { hookRequest } from '../../fhir-fixtures/build';
import { api, SERVICE_PATH, testApp } from '../support/app';

/**
 * Property: whatever a client sends (valid requests and prefetch Bundles mutated anywhere), the service
 * answers 200, 400, 401, 412, 413 or 415 with a well-formed JSON body, and keeps serving.
 * Fixed seed and bounded runs, so CI is repeatable: FUZZ_RUNS and FUZZ_SEED override them.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const ALLOWED = [200, 400, 401, 412, 413, 415];

const { app } = testApp({ BODY_LIMIT: '256kb', FHIR_READ_TIMEOUT_MS: '200', HOOK_BUDGET_MS: '400' });
const BASES = [
  hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct', 'mammography-diagnostic-breast', 'us-axilla'] }),
  hookRequest({ patient: 'pos-medication-reference', orders: ['mri-breast-wo-w', 'mri-brain'] }),
  hookRequest({ patient: 'neg-adjuvant', orders: ['dbt-diagnostic'] }),
  hookRequest({ patient: 'insufficient-everything', orders: ['fdg-pet-ct'] }),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

type Operation = 'replace' | 'delete' | 'wrap-in-array' | 'to-string' | 'nest-deep' | 'duplicate-array';

function mutate(base: Json, path: Path, op: Operation, replacement: Json): Json {
  const copy = structuredClone(base);
  if (path.length === 0) return op === 'replace' ? replacement : op === 'wrap-in-array' ? [copy] : copy;
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = path[path.length - 1];
  const current = parent[key];
  switch (op) {
    case 'replace':
      parent[key] = replacement;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'wrap-in-array':
      parent[key] = [current];
      break;
    case 'to-string':
      parent[key] = JSON.stringify(current);
      break;
    case 'nest-deep': {
      let deep: Json = current;
      for (let i = 0; i < 200; i++) deep = { a: deep };
      parent[key] = deep;
      break;
    }
    case 'duplicate-array':
      parent[key] = Array.isArray(current) ? [...current, ...current, ...current] : current;
      break;
  }
  return copy;
}

describe('fuzz: mutated hook requests never break the service', () => {
  it(`${RUNS} mutated requests (seed ${SEED})`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: BASES.length - 1 }),
        fc.nat(),
        fc.constantFrom<Operation>('replace', 'replace', 'replace', 'delete', 'wrap-in-array', 'to-string', 'nest-deep', 'duplicate-array'),
        fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
        fc.boolean(),
        async (baseIndex, pathIndex, op, replacement, secondMutation) => {
          const base = BASES[baseIndex] as unknown as Json;
          const all = paths(base);
          let body = mutate(base, all[pathIndex % all.length], op, replacement);
          if (secondMutation) {
            const again = paths(body);
            body = mutate(body, again[(pathIndex * 7 + 3) % again.length], 'replace', null);
          }
          const res = await api(app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(JSON.stringify(body));
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          expect(ALLOWED).toContain(res.status);
          expect(res.headers['content-type']).toMatch(/json/);
          if (res.status === 200) expect(Array.isArray(res.body.cards)).toBe(true);
          else expect(res.body.resourceType).toBe('OperationOutcome');
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // Both acceptance and refusal were exercised, or the property proved little.
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
    await api(app).post(SERVICE_PATH).send(BASES[0]).expect(200);

    console.log(`fuzz: ${RUNS} runs, statuses ${JSON.stringify(Object.fromEntries(seen))}`);
  }, 120_000);
});
