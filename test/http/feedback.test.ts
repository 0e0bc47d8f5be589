import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { hookRequest } from '../../fhir-fixtures/build';
import { createLogger } from '../../src/log';
import { openStore } from '../../src/store/open';
import { api, SERVICE_PATH, testApp } from '../support/app';

const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-feedback-')), 'feedback.db');
let app: ReturnType<typeof testApp>['app'];
/** The service's log lines (JSON), for what the feedback line says and does not say. */
const logLines: string[] = [];
beforeAll(async () => {
  app = testApp(
    {},
    { store: await openStore(`sqlite:${file}`), logger: createLogger('info', { write: (line: string) => logLines.push(line) }) },
  ).app;
});
const rows = () =>
  new Database(file, { readonly: true })
    .prepare(
      'SELECT card_uuid, outcome, override_code, override_display, user_comment, accepted_suggestions, issuer FROM feedback ORDER BY id',
    )
    .all();
const rowsFor = (dbFile: string, card: string) =>
  new Database(dbFile, { readonly: true })
    .prepare('SELECT user_comment, outcome_timestamp, card_known FROM feedback WHERE card_uuid = ? ORDER BY id')
    .all(card) as { user_comment: string | null; outcome_timestamp: string; card_known: number | null }[];
const feedbackLogs = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'feedback');

const accepted = {
  card: '9368d37b-283f-44a0-93ea-547cebab93ed',
  outcome: 'accepted',
  acceptedSuggestions: [{ id: 'e56e1945-20b3-4393-8503-a1a20fd73152' }],
  outcomeTimestamp: '2026-11-25T10:05:31Z',
};
// As the CDS Hooks sandbox sends it: the reason without display.
const overridden = {
  card: 'b2000da8-aa57-4ed3-bc4f-6f8040b529e7',
  outcome: 'overridden',
  overrideReason: {
    reason: { code: 'primary-tumour-evaluation', system: 'urn:axilla-cds:CodeSystem:override-reason' },
    userComment: 'for the breast',
  },
  outcomeTimestamp: '2026-11-25T10:06:00Z',
};

describe('POST /cds-services/{id}/feedback', () => {
  it('accepts and stores accepted and overridden feedback (reason without display), once', async () => {
    const res = await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [accepted, overridden] })
      .expect(200);
    expect(res.body).toEqual({ received: 2, stored: 2, updated: 0 });
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [overridden] })
      .expect(200, { received: 1, stored: 0, updated: 0 });
    expect(rows()).toEqual([
      {
        card_uuid: accepted.card,
        outcome: 'accepted',
        override_code: null,
        override_display: null,
        user_comment: null,
        accepted_suggestions: JSON.stringify([accepted.acceptedSuggestions[0].id]),
        issuer: 'https://ehr-es384.test.example',
      },
      {
        card_uuid: overridden.card,
        outcome: 'overridden',
        override_code: 'primary-tumour-evaluation',
        override_display: null,
        user_comment: 'for the breast',
        accepted_suggestions: '[]',
        issuer: 'https://ehr-es384.test.example',
      },
    ]);
  });

  it.each([
    ['an unknown outcome', { ...accepted, outcome: 'ignored' }, 'feedback[0].outcome'],
    ['no card', { outcome: 'accepted', outcomeTimestamp: accepted.outcomeTimestamp }, 'feedback[0].card'],
    ['no outcomeTimestamp', { card: accepted.card, outcome: 'accepted' }, 'feedback[0].outcomeTimestamp'],
    ['an outcomeTimestamp that is not RFC 3339', { ...accepted, outcomeTimestamp: 'yesterday' }, 'feedback[0].outcomeTimestamp'],
    ['an outcomeTimestamp without a time zone', { ...accepted, outcomeTimestamp: '2026-11-25T10:05:31' }, 'feedback[0].outcomeTimestamp'],
    ['an outcomeTimestamp with a space for T', { ...accepted, outcomeTimestamp: '2026-11-25 10:05:31Z' }, 'feedback[0].outcomeTimestamp'],
    ['an override reason with neither reason nor comment', { ...overridden, overrideReason: {} }, 'feedback[0].overrideReason.reason'],
    [
      'a NUL character in a stored string',
      { ...overridden, overrideReason: { ...overridden.overrideReason, userComment: 'a\u0000b' } },
      'feedback[0].overrideReason.userComment',
    ],
  ])('400 for %s, naming the field', async (_name, item, field) => {
    const res = await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [item] })
      .expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual([field]);
  });

  it.each([
    ['month 13', '2026-13-01T10:00:00Z'],
    ['day 32', '2026-01-32T10:00:00Z'],
    ['30 February', '2026-02-30T10:00:00Z'],
    ['29 February of a common year', '2026-02-29T10:00:00+01:00'],
    ['hour 25', '2026-11-25T25:00:00Z'],
  ])(
    '400 for an outcomeTimestamp that is not a real date or time (%s), naming feedback[0].outcomeTimestamp',
    async (_name, outcomeTimestamp) => {
      const res = await api(app)
        .post(FEEDBACK_PATH)
        .send({ feedback: [{ ...accepted, card: 'c-bad-date', outcomeTimestamp }] })
        .expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(['feedback[0].outcomeTimestamp']);
      expect(rowsFor(file, 'c-bad-date')).toEqual([]);
    },
  );

  it.each([
    ['an offset', '2026-11-25T10:05:31+01:00'],
    ['a negative offset and fractional seconds', '2026-11-25T10:05:31.123-05:00'],
    ['Z and fractional seconds', '2026-11-25T10:05:31.5Z'],
    ['29 February of a leap year', '2028-02-29T23:59:59Z'],
  ])('accepts an RFC 3339 outcomeTimestamp with %s, stored as sent', async (name, outcomeTimestamp) => {
    const card = `c-valid-date-${name}`;
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [{ ...accepted, card, outcomeTimestamp }] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    expect(rowsFor(file, card).map((r) => r.outcome_timestamp)).toEqual([outcomeTimestamp]);
  });

  it('an item resent differing only in its comment updates the stored comment (updated: 1, still one row)', async () => {
    const card = 'c-comment-corrected';
    const item = { ...overridden, card, overrideReason: { ...overridden.overrideReason, userComment: 'for the brest' } };
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [item] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    const corrected = { ...item, overrideReason: { ...item.overrideReason, userComment: 'for the breast' } };
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [corrected] })
      .expect(200, { received: 1, stored: 0, updated: 1 });
    expect(rowsFor(file, card).map((r) => r.user_comment)).toEqual(['for the breast']);
  });

  it('a comment added to an item stored without one updates it', async () => {
    const card = 'c-comment-added';
    const item = { ...overridden, card, overrideReason: { reason: overridden.overrideReason.reason } };
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [item] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [{ ...item, overrideReason: { ...item.overrideReason, userComment: 'added later' } }] })
      .expect(200, { received: 1, stored: 0, updated: 1 });
    expect(rowsFor(file, card).map((r) => r.user_comment)).toEqual(['added later']);
  });

  it('the same item sent twice stays one row: stored: 0, updated: 0 the second time', async () => {
    const card = 'c-sent-twice';
    const item = { ...overridden, card };
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [item] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [item] })
      .expect(200, { received: 1, stored: 0, updated: 0 });
    expect(rowsFor(file, card)).toEqual([
      { user_comment: 'for the breast', outcome_timestamp: overridden.outcomeTimestamp, card_known: 0 },
    ]);
  });

  it('feedback for a card the service never issued is stored with card_known 0 and counted in the log line, which holds no comment', async () => {
    const card = 'c-never-issued';
    const comment = 'a comment the log must not hold';
    logLines.length = 0;
    await api(app)
      .post(FEEDBACK_PATH)
      .send({
        feedback: [
          { ...overridden, card, overrideReason: { ...overridden.overrideReason, userComment: comment } },
          { ...accepted, card },
        ],
      })
      .expect(200, { received: 2, stored: 2, updated: 0 });
    expect(rowsFor(file, card).map((r) => r.card_known)).toEqual([0, 0]);
    const [line] = feedbackLogs(logLines);
    expect(line).toMatchObject({
      serviceId: 'axilla-imaging-order-select',
      issuer: 'https://ehr-es384.test.example',
      items: 2,
      stored: 2,
      updated: 0,
      unknownCards: 2,
    });
    expect(logLines.join('\n')).not.toContain(comment);
    expect(logLines.join('\n')).not.toContain('primary-tumour-evaluation');
  });

  it('feedback for a card the service issued (audited) is stored with card_known 1, and no unknown card is logged', async () => {
    const dbFile = path.join(path.dirname(file), 'issued.db');
    const lines: string[] = [];
    const issuing = testApp(
      {},
      { store: await openStore(`sqlite:${dbFile}`), logger: createLogger('info', { write: (line: string) => lines.push(line) }) },
    );
    const { cards } = (
      await api(issuing.app)
        .post(SERVICE_PATH)
        .send(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }))
        .expect(200)
    ).body as { cards: { uuid: string }[] };
    expect(cards.length).toBeGreaterThan(0);
    await issuing.auditor.close(5000); // audit rows are written in batches after the answer: write them now
    await api(issuing.app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [{ ...accepted, card: cards[0].uuid, acceptedSuggestions: [] }] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    expect(rowsFor(dbFile, cards[0].uuid).map((r) => r.card_known)).toEqual([1]);
    expect(feedbackLogs(lines)).toEqual([expect.objectContaining({ stored: 1, updated: 0, unknownCards: 0 })]);
    await issuing.store.close();
  });

  it('400 when feedback is missing or not an array', async () => {
    await api(app).post(FEEDBACK_PATH).send({}).expect(400);
    await api(app).post(FEEDBACK_PATH).send({ feedback: 'x' }).expect(400);
  });

  it('suggestion lists that differ are different items (["a,b"] is not ["a","b"])', async () => {
    const card = 'c-lists';
    const base = { card, outcome: 'accepted', outcomeTimestamp: '2026-11-25T11:00:00Z' };
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [{ ...base, acceptedSuggestions: [{ id: 'a,b' }] }] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
    await api(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [{ ...base, acceptedSuggestions: [{ id: 'a' }, { id: 'b' }] }] })
      .expect(200, { received: 1, stored: 1, updated: 0 });
  });

  it('404 for an unknown service', async () => {
    await api(app)
      .post('/cds-services/nope/feedback')
      .send({ feedback: [accepted] })
      .expect(404);
  });

  it('401 without a token', async () => {
    await request(app)
      .post(FEEDBACK_PATH)
      .send({ feedback: [accepted] })
      .expect(401);
  });
});
