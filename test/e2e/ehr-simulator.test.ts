/**
 * The EHR simulator (scripts/ehr/) against the service listening on a real port, with the development trust
 * (no CDS_TRUSTED_ISSUERS, PUBLIC_BASE_URL on loopback): every patient fixture with an expected outcome, under
 * every client profile, through order-select and order-sign; the sandbox's update suggestion applied; one run
 * of `npm run ehr` as a user types it. The FHIR server the simulator serves is checked on its own first.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';
import { draftOrder, expectedOutcomes, patientBundle, patientOf, type ExpectedOutcome } from '../../fhir-fixtures/build';
import {
  callHook,
  cardRatings,
  discover,
  fillTemplate,
  pamaRatingOf,
  runEhr,
  signerFor,
  systemActionRatings,
  type DiscoveredService,
  type EhrSession,
  type HookCall,
} from '../../scripts/ehr/client';
import { startFhirServer, type RunningFhirServer } from '../../scripts/ehr/fhir-server';
import { EHR_BEHAVIOURS, PROFILE_NAMES } from '../../scripts/ehr/profiles';
import { REPO_ROOT } from '../../src/paths';
import { testApp } from '../support/app';

const ORDERS = ['fdg-pet-ct', 'us-axilla'];
const PET = 'ServiceRequest/sr-fdg-pet-ct';
const US = 'ServiceRequest/sr-us-axilla';
const MRI_CPT = { system: 'http://www.ama-assn.org/go/cpt', code: '77049' };

let server: http.Server;
let base: string;
let closeService: () => Promise<void>;

beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // CDS_TRUSTED_ISSUERS empty = unset: the development trust (the simulator's issuers) on a loopback base URL.
  const { app, store, auditor } = testApp({ PUBLIC_BASE_URL: base, CDS_TRUSTED_ISSUERS: '' });
  server.on('request', app);
  closeService = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await auditor.close(2000);
    await store.close();
  };
});

afterAll(async () => {
  await closeService();
});

describe('the FHIR server the simulator serves', () => {
  let fhir: RunningFhirServer;
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = patientBundle('pos-mcode');
    fhir = await startFhirServer(bundle, { pageSize: 2 });
  });
  afterAll(() => fhir.close());
  const patientId = () => patientOf(bundle).id as string;
  const json = async (response: Response) => (await response.json()) as Bundle & FhirResource & { fhirVersion?: string };

  it('answers /metadata with an R4 CapabilityStatement, and reads', async () => {
    const metadata = await json(await fetch(`${fhir.base}/metadata`));
    expect(metadata.resourceType).toBe('CapabilityStatement');
    expect(metadata.fhirVersion).toBe('4.0.1');
    const patient = await fetch(`${fhir.base}/Patient/${patientId()}`);
    expect(patient.headers.get('content-type')).toMatch(/application\/fhir\+json/);
    expect((await json(patient)).id).toBe(patientId());
    const missing = await fetch(`${fhir.base}/Patient/nobody`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).resourceType).toBe('OperationOutcome');
  });

  it('searches by GET and by POST _search alike, pages with next links, filters by category and code', async () => {
    const conditions = (bundle.entry ?? []).filter((e) => e.resource?.resourceType === 'Condition').length;
    const byGet = await json(await fetch(`${fhir.base}/Condition?patient=${patientId()}&_count=1000`));
    const byPost = await json(
      await fetch(`${fhir.base}/Condition/_search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `patient=${patientId()}&_count=1000`,
      }),
    );
    expect(byGet.total).toBe(conditions);
    expect(byPost.entry?.map((e) => e.resource?.id)).toEqual(byGet.entry?.map((e) => e.resource?.id));
    expect(byGet.entry?.every((e) => e.fullUrl?.startsWith(`${fhir.base}/Condition/`))).toBe(true);

    const encounterDiagnoses = await json(await fetch(`${fhir.base}/Condition?patient=${patientId()}&category=encounter-diagnosis`));
    const problems = await json(
      await fetch(
        `${fhir.base}/Condition?patient=Patient/${patientId()}&category=http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item`,
      ),
    );
    expect((encounterDiagnoses.total ?? 0) + (problems.total ?? 0)).toBe(conditions);

    const page1 = await json(await fetch(`${fhir.base}/Observation?patient=${patientId()}`));
    const next = page1.link?.find((l) => l.relation === 'next')?.url;
    expect(page1.entry).toHaveLength(2);
    expect(next?.startsWith(`${fhir.base}/Observation?`)).toBe(true);
    const page2 = await json(await fetch(next as string));
    expect(page2.entry?.[0]?.resource?.id).not.toBe(page1.entry?.[0]?.resource?.id);

    // pos-mcode writes cN as SNOMED 399534004 and the size as LOINC 21889-1; 21906-3 (cN in LOINC) is not there.
    const staging = await json(
      await fetch(
        `${fhir.base}/Observation?patient=${patientId()}&code=http://snomed.info/sct|399534004,http://loinc.org|21889-1,http://loinc.org|21906-3&_count=100`,
      ),
    );
    expect(
      staging.entry?.map((e) => ((e.resource as { code?: { coding?: { code?: string }[] } }).code?.coding ?? [])[0]?.code).sort(),
    ).toEqual(['21889-1', '399534004']);
  });

  it('answers CORS preflights (the sandbox fills prefetch from a browser)', async () => {
    const preflight = await fetch(`${fhir.base}/Condition/_search`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://sandbox.cds-hooks.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('fills prefetch tokens, and leaves out a key whose token has no value', () => {
    expect(fillTemplate('Condition?patient={{context.patientId}}', { patientId: 'p1', userId: 'Practitioner/u' })).toBe(
      'Condition?patient=p1',
    );
    expect(fillTemplate('Encounter/{{context.encounterId}}', { patientId: 'p1', userId: 'Practitioner/u' })).toBeUndefined();
    expect(fillTemplate('Practitioner/{{userPractitionerId}}', { patientId: 'p1', userId: 'Practitioner/u' })).toBe('Practitioner/u');
  });
});

/** What went wrong with one fixture under one profile, in words (empty: as expected). */
function check(session: EhrSession, expected: ExpectedOutcome): string[] {
  const problems = [...session.problems];
  const place = EHR_BEHAVIOURS[session.profile].readsSystemActionsFrom;
  if (session.missingHooks.length) problems.push(`no service for ${session.missingHooks.join(', ')}`);
  const select = session.calls.filter((c) => c.hook === 'order-select').pop();
  const sign = session.calls.find((c) => c.hook === 'order-sign');
  if (session.profile === 'cds-hooks-sandbox') {
    const first = session.calls[0];
    if (first?.request.context.draftOrders.entry[0]?.resource.id !== 'example-request-id' || first.status !== 200 || first.cards.length)
      problems.push("the sandbox's uncoded first call did not answer 200 with no cards");
  }
  const real = [select, sign].filter((c): c is HookCall => c !== undefined);
  if (select && sign) {
    // Consistent: order-sign never rates an order otherwise; a card order-select already showed for the same,
    // unchanged order in this session is not repeated (no card, no rating written again).
    const a = cardRatings(select);
    const b = cardRatings(sign);
    for (const [order, rating] of b)
      if (a.has(order) && a.get(order) !== rating) problems.push(`order-select ${order} ${a.get(order)} vs order-sign ${rating}`);
    for (const order of a.keys()) if (b.has(order)) problems.push(`order-sign repeated the card order-select showed for ${order}`);
  }
  for (const call of real.filter((c) => c.hook === 'order-select')) {
    const ratings = cardRatings(call);
    const written = systemActionRatings(call, place);
    const anywhere = systemActionRatings(call);
    if (expected.outcome === 'applies') {
      const pet = call.cards.find((c) => (c.extension?.['axilla-cds.appropriateness'] as { order?: string } | undefined)?.order === PET);
      if (pet?.indicator !== 'warning') problems.push(`${call.hook}: FDG-PET/CT card ${pet ? pet.indicator : 'missing'}, not warning`);
      if (ratings.get(PET) !== 'usually-not-appropriate' || ratings.get(US) !== 'may-be-appropriate')
        problems.push(`${call.hook}: card ratings ${JSON.stringify([...ratings])}`);
      if (written.get(PET) !== 'not-appropriate')
        problems.push(
          `${call.hook}: PET/CT pama-rating in ${place} ${written.get(PET) ?? 'missing'} (anywhere: ${JSON.stringify([...anywhere])})`,
        );
      if (written.get(US) !== 'appropriate')
        problems.push(
          `${call.hook}: US pama-rating in ${place} ${written.get(US) ?? 'missing'} (anywhere: ${JSON.stringify([...anywhere])})`,
        );
    } else {
      for (const order of [PET, US])
        if (anywhere.has(order)) problems.push(`${call.hook}: ${order} rated ${anywhere.get(order)} although ${expected.outcome}`);
      if (expected.outcome === 'does-not-apply' && call.cards.length)
        problems.push(`${call.hook}: ${call.cards.length} cards although does-not-apply`);
      if (expected.outcome === 'insufficient-data' && (ratings.get(PET) !== 'insufficient-data' || ratings.get(US) !== 'insufficient-data'))
        problems.push(`${call.hook}: card ratings ${JSON.stringify([...ratings])}, not insufficient-data`);
    }
  }
  return problems;
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe('every fixture with an expected outcome, under every profile (order-select, then order-sign)', () => {
  const fixtures = expectedOutcomes();

  it('covers the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  it.each(PROFILE_NAMES.map((p) => [p]))(
    '%s',
    async (profile) => {
      // Each distinct problem once, with the fixtures that show it (a broken hook would otherwise list ~100 times).
      const failures = new Map<string, string[]>();
      await pool(fixtures, 6, async (expected) => {
        let problems: string[];
        try {
          problems = check(await runEhr({ patient: expected.fixture, orders: ORDERS, profile, service: base, accept: 1 }), expected);
        } catch (error) {
          problems = [(error as Error).message];
        }
        for (const p of problems)
          failures.set(`${expected.outcome}: ${p}`, [...(failures.get(`${expected.outcome}: ${p}`) ?? []), expected.fixture]);
      });
      const summary = [...failures].map(
        ([problem, names]) => `${problem} [${names.length} fixtures: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}]`,
      );
      expect(summary).toEqual([]);
    },
    180_000,
  );
});

describe('order-sign', () => {
  it("rates the orders of a patient who never saw them at order-select, though another patient's orders had the same ids", async () => {
    // pos-mcode's session shows cards for ServiceRequest/sr-fdg-pet-ct and sr-us-axilla (the fixtures give every
    // patient these ids); then pos-size-cm, whom the variant fits too, reaches order-sign with orders of those ids.
    await runEhr({ patient: 'pos-mcode', orders: ORDERS, profile: 'generic', service: base, accept: 0 });
    const bundle = patientBundle('pos-size-cm');
    const patientId = patientOf(bundle).id as string;
    const fhir = await startFhirServer(bundle);
    try {
      const behaviour = EHR_BEHAVIOURS.generic;
      const sign = signerFor(behaviour);
      const entry = (await discover(base, sign)).services.find((s) => s.hook === 'order-sign');
      expect(entry).toBeDefined();
      const call = await callHook(
        { label: 'order-sign', hook: 'order-sign', drafts: ORDERS.map((o) => draftOrder(o, patientId)) },
        {
          service: base,
          serviceEntry: entry as DiscoveredService,
          behaviour,
          fhirBase: fhir.base,
          context: { patientId, userId: behaviour.userId, encounterId: 'enc-other-patient' },
          prefetch: true,
          sign,
        },
      );
      expect(call.status).toBe(200);
      expect([...cardRatings(call)].sort()).toEqual([
        [PET, 'usually-not-appropriate'],
        [US, 'may-be-appropriate'],
      ]);
      expect([...systemActionRatings(call, 'top-level')].sort()).toEqual([
        [PET, 'not-appropriate'],
        [US, 'appropriate'],
      ]);
    } finally {
      await fhir.close();
    }
  }, 30_000);
});

describe('suggestions, applied as the EHR applies them', () => {
  it('the sandbox: the accepted suggestion turns the PET/CT order into MRI in the same ServiceRequest (an update), with a pama-rating', async () => {
    const session = await runEhr({ patient: 'pos-mcode', orders: ['fdg-pet-ct'], profile: 'cds-hooks-sandbox', service: base, accept: 1 });
    expect(session.problems).toEqual([]);
    const actions = session.acceptance?.suggestion.actions ?? [];
    expect(actions.map((a) => a.type)).toEqual(['update']);
    expect(session.draftsAfter).toHaveLength(1);
    const order = session.draftsAfter[0] as ServiceRequest;
    expect(order.id).toBe('sr-fdg-pet-ct');
    expect(order.code?.coding).toEqual(expect.arrayContaining([expect.objectContaining(MRI_CPT)]));
    expect(order.code?.coding?.some((c) => c.code === '78815')).toBe(false);
    expect(pamaRatingOf(order)).toBe('appropriate');
    expect(session.feedback.map((f) => [f.status, f.items.map((i) => i.outcome)])).toEqual([[200, ['accepted']]]);
    // The sandbox filled the search prefetch by POST _search, as observed.
    expect(session.fhirRequests.some((r) => r.method === 'POST' && r.path === 'Condition/_search')).toBe(true);
  }, 30_000);

  it('epic without prefetch: the service reads the FHIR server with the token; delete + create replace the PET/CT order', async () => {
    const session = await runEhr({ patient: 'pos-mcode', orders: ORDERS, profile: 'epic', service: base, accept: 1, prefetch: false });
    expect(session.problems).toEqual([]);
    const serviceReads = session.fhirRequests.filter((r) => !(r.userAgent ?? '').startsWith('axilla-cds-ehr-simulator'));
    expect(serviceReads.length).toBeGreaterThan(0);
    expect(serviceReads.every((r) => r.bearer)).toBe(true);
    expect(session.acceptance?.suggestion.actions.map((a) => a.type).sort()).toEqual(['create', 'delete']);
    const after = session.draftsAfter.map((d) => `${d.resourceType}/${d.id}`);
    expect(after).not.toContain(PET);
    expect(after).toContain(US);
    const mri = session.draftsAfter.find((d) => (d as ServiceRequest).code?.coding?.some((c) => c.code === MRI_CPT.code)) as
      ServiceRequest | undefined;
    expect(mri).toBeDefined();
    expect(pamaRatingOf(session.draftsAfter.find((d) => d.id === 'sr-us-axilla'))).toBe('appropriate');
  }, 30_000);

  it('--accept 0 accepts nothing: every card is overridden, with its first reason when it has one', async () => {
    const session = await runEhr({ patient: 'pos-mcode', orders: ORDERS, profile: 'generic', service: base, accept: 0 });
    expect(session.problems).toEqual([]);
    expect(session.acceptance).toBeUndefined();
    const items = session.feedback.flatMap((f) => f.items);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.outcome === 'overridden')).toBe(true);
    expect(items.some((i) => i.overrideReason?.reason.display)).toBe(true);
    expect(session.draftsAfter.map((d) => d.id).sort()).toEqual(['sr-fdg-pet-ct', 'sr-us-axilla']);
  }, 30_000);
});

describe('npm run ehr', () => {
  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '-s', 'ehr', '--', ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('pos-mcode as the sandbox: prints the cards, the rating in extension.systemActions, the update applied and the feedback; exits 0', async () => {
    const { code, stdout, stderr } = await run(['pos-mcode', 'fdg-pet-ct', '--profile', 'cds-hooks-sandbox', '--service', base]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[WARNING\] FDG-PET\/CT/);
    expect(stdout).toMatch(
      /System actions in extension\.systemActions:\n\s+- update ServiceRequest\/sr-fdg-pet-ct .*pama-rating not-appropriate/,
    );
    expect(stdout).toMatch(/Draft orders now:\n\s+ServiceRequest\/sr-fdg-pet-ct: MRI breast.* pama-rating: appropriate/);
    expect(stdout).toMatch(/feedback \[accepted[^\]]*\] → 200/);
    expect(stdout).toMatch(/Every call answered 2xx/);
  }, 60_000);

  it('says how to start the service when none answers, and exits non-zero', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, stderr } = await run(['pos-mcode', 'fdg-pet-ct', '--service', `http://127.0.0.1:${port}`]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/No CDS service answers at http:\/\/127\.0\.0\.1:\d+ .*npm start/);
  }, 60_000);
});
