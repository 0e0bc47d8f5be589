import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Auditor } from '../../src/audit/auditor';
import { loadConfig } from '../../src/config/load';
import { buildReport } from '../../src/report/build';
import { renderMarkdown } from '../../src/report/render-markdown';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import type { ReportData } from '../../src/report/types';
import { knowledge, testApp } from '../support/app';
import { describeWithPostgres, freshPostgresDatabase } from '../support/postgres';
import { scriptedDay } from '../support/scripted-day';

const SILENT = { SILENT_SERVICES: 'axilla-imaging-order-select', AUDIT_HMAC_KEY: 'k'.repeat(40) };
const KEY = { AUDIT_HMAC_KEY: 'k'.repeat(40) };

/** The same day of traffic against a store, then the audit rows and the report's figures (issue 9). */
function scriptedDayOn(openTestStore: () => Promise<{ store: Store; done: () => Promise<void> }>) {
  let store: Store;
  let done: () => Promise<void>;
  let day: Awaited<ReturnType<typeof scriptedDay>>;
  let report: ReportData;
  beforeAll(async () => {
    ({ store, done } = await openTestStore());
    const main = testApp(KEY, { store });
    const silent = testApp(SILENT, { store });
    day = await scriptedDay(main.app, silent.app, [main.auditor, silent.auditor] as Auditor[]);
    report = await buildReport({ knowledge: knowledge(), config: loadConfig({ NODE_ENV: 'test', ...SILENT }).config, store, period: {} });
  }, 60_000);
  afterAll(async () => done());

  it('one audit row per hook call, with its outcome, reason and missing facts', async () => {
    const rows = await store.readAudit({});
    expect(rows.calls).toHaveLength(day.expected.calls);
    const outcomes: Record<string, number> = {};
    for (const c of rows.calls) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
    expect(outcomes).toEqual(day.expected.outcomes);
    expect(rows.calls.find((c) => c.outcome === 'insufficient-data')!.missing).toEqual(['initial-nodal-status', 'initial-size']);
    expect(rows.calls.find((c) => c.outcome === 'unreadable')).toMatchObject({
      status: 412,
      failedReads: ['procedures'],
      recordSource: 'fhir',
    });
    expect(rows.calls.filter((c) => c.recordSource === 'fhir')).toHaveLength(2);
    expect(rows.calls.filter((c) => c.recordSource === 'none')).toHaveLength(1);
    for (const c of rows.calls)
      expect(c).toMatchObject({
        serviceId: 'axilla-imaging-order-select',
        hook: 'order-select',
        issuer: 'https://ehr-es384.test.example',
        knowledgeVersion: knowledge().version,
        knowledgeDigest: knowledge().digest,
      });
  });

  it('every card issued is in the audit trail by its uuid, with procedure, rating, indicator and suggestions; silent ones marked', async () => {
    const rows = await store.readAudit({});
    const byUuid = new Map(rows.cards.map((c) => [c.cardUuid, c]));
    for (const card of [...day.issued.first, ...day.issued.second, ...day.issued.third, ...day.issued.fallback]) {
      const contract = card.extension['axilla-cds.appropriateness'];
      expect(byUuid.get(card.uuid)).toMatchObject({
        procedure: contract.procedure,
        rating: contract.rating,
        indicator: card.indicator,
        silent: false,
      });
    }
    const pet = byUuid.get(day.issued.second[0].uuid)!;
    expect(pet.suggestions.map((s) => s.procedure).sort()).toEqual(['mri-breast-wo-w', 'us-axilla']);
    expect(day.issued.silent).toEqual([]);
    expect(rows.cards.filter((c) => c.silent)).toHaveLength(1);
  });

  it('ids only as keyed hashes: no patient, encounter or order id, no token, no name in any stored row', async () => {
    const dump = JSON.stringify(await store.readAudit({}));
    for (const raw of ['pos-mcode', 'pos-loinc-legacy', 'neg-cn1', 'enc-1', 'ServiceRequest/', 'token-of-the-day', 'Okafor'])
      expect(dump).not.toContain(raw);
  });

  it('the report: calls, outcomes, reasons, cards shown and would-have-shown, feedback joined by card uuid', () => {
    expect(report.did.calls).toBe(day.expected.calls);
    expect(Object.fromEntries(report.did.reasons.map((r) => [r.key, r.count]))).toEqual(day.expected.reasons);
    expect(report.answered.cardsShown).toBe(day.expected.cardsShown);
    expect(report.did.silent).toEqual({ calls: 1, wouldHaveShownCards: day.expected.wouldHaveShown });
    expect(report.answered.feedbackItems).toBe(day.expected.feedbackItems);
    expect(report.answered.unknownCards).toBe(day.expected.unknownCards);
    expect(report.answered.overrideReasons.map(({ code, count }) => ({ code, count }))).toEqual(day.expected.overrideReasons);
    expect(report.answered.suggestionsChosen).toEqual([{ key: 'mri-breast-wo-w', count: 1 }]);
    const pet = report.answered.byCard.find((c) => c.procedure === 'fdg-pet-ct' && c.rating === 'usually-not-appropriate')!;
    expect(pet).toMatchObject({ shown: 3, accepted: 1, overridden: 2, unanswered: 0 });
    expect(report.did.fallbackRate).toBeCloseTo(2 / 9);
    expect(report.did.droppedAuditRows).toBe(0);
    expect(renderMarkdown(report)).toContain('10 hook calls');
  });
}

describe('scripted day on SQLite', () => {
  scriptedDayOn(async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-day-')), 'day.db');
    const store = await openStore(`sqlite:${file}`);
    return { store, done: () => store.close() };
  });
});

describeWithPostgres('scripted day on PostgreSQL', () => {
  scriptedDayOn(async () => {
    const db = await freshPostgresDatabase();
    const store = await openStore(db.url);
    return { store, done: async () => (await store.close(), await db.drop()) };
  });
});
