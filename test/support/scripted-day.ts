import type { Express } from 'express';
import nock from 'nock';
import { hookRequest, patientBundle } from '../../fhir-fixtures/build';
import type { Auditor } from '../../src/audit/auditor';
import { api, SERVICE_PATH } from './app';
import { FHIR_BASE, mockFhirServer } from './fhir-server';

export const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;
const REASONS = 'urn:axilla-cds:CodeSystem:override-reason';

/**
 * One scripted day of traffic, as EHRs would send it: cards accepted and overridden with each kind of
 * reason, a silent service, insufficient data, a failed read, FHIR fallback, a call with no rated order and
 * feedback for a card never issued. Returns what the report must then show.
 */
export async function scriptedDay(app: Express, silentApp: Express, auditors: Auditor[]) {
  const call = async (target: Express, patient: string, orders: string[], status = 200, body?: object) =>
    (
      await api(target)
        .post(SERVICE_PATH)
        .send(body ?? hookRequest({ patient, orders }))
        .expect(status)
    ).body as { cards: any[] };
  const cardFor = (cards: any[], procedure: string) => cards.find((c) => c.extension['axilla-cds.appropriateness'].procedure === procedure);

  const first = await call(app, 'pos-mcode', ['fdg-pet-ct', 'mri-breast-wo-w', 'us-axilla', 'mammography-diagnostic-unspecified']);
  const second = await call(app, 'pos-loinc-legacy', ['fdg-pet-ct']);
  const third = await call(app, 'pos-clipped-node', ['us-axilla']);
  await call(app, 'neg-cn1', ['fdg-pet-ct']);
  await call(app, 'neg-distant-metastasis-snomed-epic', ['fdg-pet-ct']);
  await call(app, 'insufficient-everything', ['fdg-pet-ct']);
  await call(app, 'pos-mcode', ['mri-brain']);

  // The record read from the EHR's FHIR server: once failing (412), once answering.
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const withoutPrefetch = (patient: string) => ({
    ...hookRequest({ patient, orders: ['fdg-pet-ct'] }),
    prefetch: {},
    fhirServer: FHIR_BASE,
    fhirAuthorization: {
      access_token: 'token-of-the-day',
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'axilla-cds',
    },
  });
  mockFhirServer(patientBundle('pos-mcode'), { fail: { Procedure: 'status-500' } });
  await call(app, 'pos-mcode', [], 412, withoutPrefetch('pos-mcode'));
  nock.cleanAll();
  mockFhirServer(patientBundle('pos-administrations-only'));
  const fallback = await call(app, 'pos-administrations-only', [], 200, withoutPrefetch('pos-administrations-only'));
  nock.cleanAll();
  nock.enableNetConnect();

  const silent = await call(silentApp, 'pos-mcode', ['fdg-pet-ct']);

  // The first PET/CT was drafted beside MRI and US, so only the second offers replacing it.
  const pet = cardFor(second.cards, 'fdg-pet-ct');
  const mri = pet.suggestions.find((s: any) => /MRI/.test(s.label));
  const at = '2026-12-01T10:00:00Z';
  const feedback = [
    { card: pet.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: mri.uuid }], outcomeTimestamp: at },
    {
      card: cardFor(first.cards, 'fdg-pet-ct').uuid,
      outcome: 'overridden',
      overrideReason: {
        reason: {
          system: REASONS,
          code: 'distant-metastatic-evaluation',
          display: 'Evaluating for distant metastatic disease (whole-body restaging)',
        },
        userComment: 'new bone pain',
      },
      outcomeTimestamp: at,
    },
    {
      card: cardFor(first.cards, 'mammography-diagnostic').uuid,
      outcome: 'overridden',
      overrideReason: {
        reason: {
          system: REASONS,
          code: 'primary-tumour-evaluation',
          display: 'Ordered to evaluate the primary breast tumour, not the axilla',
        },
      },
      outcomeTimestamp: at,
    },
    {
      card: cardFor(third.cards, 'us-axilla').uuid,
      outcome: 'overridden',
      overrideReason: { reason: { system: REASONS, code: 'other-clinical-reason', display: 'Other clinical reason (see comment)' } },
      outcomeTimestamp: at,
    },
    {
      card: cardFor(fallback.cards, 'fdg-pet-ct').uuid,
      outcome: 'overridden',
      overrideReason: {
        reason: {
          system: REASONS,
          code: 'distant-metastatic-evaluation',
          display: 'Evaluating for distant metastatic disease (whole-body restaging)',
        },
      },
      outcomeTimestamp: at,
    },
    { card: '00000000-0000-4000-8000-000000000000', outcome: 'accepted', outcomeTimestamp: at },
  ];
  await api(app).post(FEEDBACK_PATH).send({ feedback }).expect(200, { received: 6, stored: 6, updated: 0 });
  for (const auditor of auditors) await auditor.close(5000);

  return {
    issued: { first: first.cards, second: second.cards, third: third.cards, fallback: fallback.cards, silent: silent.cards },
    expected: {
      calls: 10,
      outcomes: { applies: 5, 'does-not-apply': 2, 'insufficient-data': 1, 'no-rated-order': 1, unreadable: 1 },
      reasons: { 'node-positive': 1, 'distant-metastasis': 1 },
      cardsShown: 8,
      wouldHaveShown: 1,
      feedbackItems: 6,
      unknownCards: 1,
      overrideReasons: [
        { code: 'distant-metastatic-evaluation', count: 2 },
        { code: 'other-clinical-reason', count: 1 },
        { code: 'primary-tumour-evaluation', count: 1 },
      ],
    },
  };
}
