import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { openStore } from '../../src/store/open';
import { api, SERVICE_PATH, testApp } from '../support/app';

const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-feedback-')), 'feedback.db');
let app: ReturnType<typeof testApp>['app'];
beforeAll(async () => {
  app = testApp({}, { store: await openStore(`sqlite:${file}`) }).app;
});
const rows = () => new Database(file, { readonly: true }).prepare('SELECT card_uuid, outcome, override_code, override_display, user_comment, accepted_suggestions, issuer FROM feedback ORDER BY id').all();

const accepted = { card: '9368d37b-283f-44a0-93ea-547cebab93ed', outcome: 'accepted', acceptedSuggestions: [{ id: 'e56e1945-20b3-4393-8503-a1a20fd73152' }], outcomeTimestamp: '2026-11-25T10:05:31Z' };
// As the CDS Hooks sandbox sends it: the reason without display.
const overridden = {
  card: 'b2000da8-aa57-4ed3-bc4f-6f8040b529e7',
  outcome: 'overridden',
  overrideReason: { reason: { code: 'primary-tumour-evaluation', system: 'urn:axilla-cds:CodeSystem:override-reason' }, userComment: 'for the breast' },
  outcomeTimestamp: '2026-11-25T10:06:00Z',
};

describe('POST /cds-services/{id}/feedback', () => {
  it('accepts and stores accepted and overridden feedback (reason without display), once', async () => {
    const res = await api(app).post(FEEDBACK_PATH).send({ feedback: [accepted, overridden] }).expect(200);
    expect(res.body).toEqual({ received: 2, stored: 2 });
    await api(app).post(FEEDBACK_PATH).send({ feedback: [overridden] }).expect(200, { received: 1, stored: 0 });
    expect(rows()).toEqual([
      { card_uuid: accepted.card, outcome: 'accepted', override_code: null, override_display: null, user_comment: null, accepted_suggestions: JSON.stringify([accepted.acceptedSuggestions[0].id]), issuer: 'https://ehr-es384.test.example' },
      { card_uuid: overridden.card, outcome: 'overridden', override_code: 'primary-tumour-evaluation', override_display: null, user_comment: 'for the breast', accepted_suggestions: '[]', issuer: 'https://ehr-es384.test.example' },
    ]);
  });

  it.each([
    ['an unknown outcome', { ...accepted, outcome: 'ignored' }, 'feedback[0].outcome'],
    ['no card', { outcome: 'accepted', outcomeTimestamp: accepted.outcomeTimestamp }, 'feedback[0].card'],
    ['no outcomeTimestamp', { card: accepted.card, outcome: 'accepted' }, 'feedback[0].outcomeTimestamp'],
    ['an outcomeTimestamp that is not RFC 3339', { ...accepted, outcomeTimestamp: 'yesterday' }, 'feedback[0].outcomeTimestamp'],
    ['an override reason with neither reason nor comment', { ...overridden, overrideReason: {} }, 'feedback[0].overrideReason.reason'],
    ['a NUL character in a stored string', { ...overridden, overrideReason: { ...overridden.overrideReason, userComment: 'a\u0000b' } }, 'feedback[0].overrideReason.userComment'],
  ])('400 for %s, naming the field', async (_name, item, field) => {
    const res = await api(app).post(FEEDBACK_PATH).send({ feedback: [item] }).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual([field]);
  });

  it('400 when feedback is missing or not an array', async () => {
    await api(app).post(FEEDBACK_PATH).send({}).expect(400);
    await api(app).post(FEEDBACK_PATH).send({ feedback: 'x' }).expect(400);
  });

  it('suggestion lists that differ are different items (["a,b"] is not ["a","b"])', async () => {
    const card = 'c-lists';
    const base = { card, outcome: 'accepted', outcomeTimestamp: '2026-11-25T11:00:00Z' };
    await api(app).post(FEEDBACK_PATH).send({ feedback: [{ ...base, acceptedSuggestions: [{ id: 'a,b' }] }] }).expect(200, { received: 1, stored: 1 });
    await api(app).post(FEEDBACK_PATH).send({ feedback: [{ ...base, acceptedSuggestions: [{ id: 'a' }, { id: 'b' }] }] }).expect(200, { received: 1, stored: 1 });
  });

  it('404 for an unknown service', async () => {
    await api(app).post('/cds-services/nope/feedback').send({ feedback: [accepted] }).expect(404);
  });

  it('401 without a token', async () => {
    await request(app).post(FEEDBACK_PATH).send({ feedback: [accepted] }).expect(401);
  });
});
