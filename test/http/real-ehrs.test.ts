import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hookRequest } from '../../fhir-fixtures/build';
import { acceptedAudiences } from '../../src/security/audiences';
import { loadConfig } from '../../src/config/load';
import { api, SERVICE_PATH, testApp } from '../support/app';
import { TEST_TRUST_FILE } from '../support/keys';

const SIGN_PATH = '/cds-services/axilla-imaging-order-sign';
const PAMA = 'http://fhir.org/argonaut/Extension/';
const { app } = testApp();
const ratingOf = (resource: any) =>
  resource.extension?.find((e: any) => e.url === `${PAMA}pama-rating`)?.valueCodeableConcept.coding[0].code;

/** An order-select call, then the same session's order-sign with the same (or changed) draft orders. */
function session(patient: string, orders: string[], encounterId = `enc-${crypto.randomUUID()}`) {
  const select = hookRequest({ patient, orders });
  select.context.encounterId = encounterId;
  const sign = hookRequest({ patient, orders, hook: 'order-sign' });
  sign.context.encounterId = encounterId;
  return { select, sign };
}

describe('the rating written onto the order (Argonaut PAMA)', () => {
  it('one update per rated order: the selected ServiceRequest unchanged, field by field, plus the four extensions only', async () => {
    const body = hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct', 'us-axilla'] });
    const res = await api(app).post(SERVICE_PATH).send(body).expect(200);
    const drafts = body.context.draftOrders.entry.map((e: any) => e.resource);
    expect(res.body.systemActions).toHaveLength(2);
    for (const action of res.body.systemActions) {
      expect(action.type).toBe('update');
      const original = drafts.find((d: any) => d.id === action.resource.id);
      const { extension, ...rest } = action.resource;
      expect(rest).toEqual(original);
      expect(extension.map((e: any) => e.url)).toEqual([
        `${PAMA}pama-rating`,
        `${PAMA}pama-rating-consult-id`,
        `${PAMA}pama-rating-auc-applied`,
      ]);
      expect(extension[0].valueCodeableConcept.coding[0].system).toBe('http://fhir.org/argonaut/CodeSystem/pama-rating');
      expect(extension[1].valueUri).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(extension[2].valueUri).toMatch(/^https:\/\/acsearch\.acr\.org/);
    }
    expect(Object.fromEntries(res.body.systemActions.map((a: any) => [a.resource.id, ratingOf(a.resource)]))).toEqual({
      'sr-fdg-pet-ct': 'not-appropriate',
      'sr-us-axilla': 'appropriate',
    });
    expect(res.body.extension).toBeUndefined();
  });

  it('mammography gets not-appropriate only when the order is for the axilla; a mammogram for the breast gets no rating', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['mammography-diagnostic-axilla', 'mammography-diagnostic-unspecified'] }))
      .expect(200);
    expect(res.body.cards).toHaveLength(2);
    expect(res.body.systemActions.map((a: any) => [a.resource.id, ratingOf(a.resource)])).toEqual([
      ['sr-mammography-diagnostic-axilla', 'not-appropriate'],
    ]);
  });

  it('a patient outside the variant, or with insufficient data, gets no rating at all', async () => {
    for (const patient of ['neg-cn1', 'insufficient-everything']) {
      const res = await api(app)
        .post(SERVICE_PATH)
        .send(hookRequest({ patient, orders: ['fdg-pet-ct'] }))
        .expect(200);
      expect(res.body.systemActions).toBeUndefined();
    }
  });

  it('suggested replacement orders carry their own rating', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }))
      .expect(200);
    const created = res.body.cards[0].suggestions.map((s: any) => s.actions.find((a: any) => a.type === 'create').resource);
    expect(created.map((r: any) => [r.code.text, ratingOf(r)])).toEqual([
      ['MRI breast bilateral without and with IV contrast', 'appropriate'],
      ['US axilla', 'appropriate'],
    ]);
  });
});

describe('order-sign', () => {
  it('rates every draft imaging order when the clinician never saw order-select', async () => {
    const { sign } = session('pos-mcode', ['fdg-pet-ct', 'mri-breast-wo-w']);
    const res = await api(app).post(SIGN_PATH).send(sign).expect(200);
    expect(res.body.cards.map((c: any) => c.extension['axilla-cds.appropriateness'].procedure)).toEqual(['fdg-pet-ct', 'mri-breast-wo-w']);
    expect(res.body.systemActions).toHaveLength(2);
  });

  it('does not repeat a card already shown for the same, unchanged order in the same session; shows it for a changed order', async () => {
    const { select, sign } = session('pos-mcode', ['fdg-pet-ct', 'us-axilla']);
    await api(app).post(SERVICE_PATH).send(select).expect(200);
    const repeated = await api(app).post(SIGN_PATH).send(sign).expect(200);
    expect(repeated.body).toEqual({ cards: [] });
    const changed = structuredClone(sign);
    (changed.context.draftOrders.entry[1].resource as any).bodySite = [
      { coding: [{ system: 'http://snomed.info/sct', code: '68171009' }], text: 'Left axillary lymph nodes' },
    ];
    const res = await api(app).post(SIGN_PATH).send(changed).expect(200);
    expect(res.body.cards.map((c: any) => c.extension['axilla-cds.appropriateness'].order)).toEqual(['ServiceRequest/sr-us-axilla']);
  });

  it('a consult id the order carries that is not the one shown means another consultation: the card is shown', async () => {
    const { select, sign } = session('pos-mcode', ['fdg-pet-ct']);
    await api(app).post(SERVICE_PATH).send(select).expect(200);
    (sign.context.draftOrders.entry[0].resource as any).extension = [
      { url: `${PAMA}pama-rating-consult-id`, valueUri: `urn:uuid:${crypto.randomUUID()}` },
    ];
    expect((await api(app).post(SIGN_PATH).send(sign).expect(200)).body.cards).toHaveLength(1);
  });

  it('another encounter is another ordering session', async () => {
    const first = session('pos-mcode', ['fdg-pet-ct']);
    await api(app).post(SERVICE_PATH).send(first.select).expect(200);
    const other = session('pos-mcode', ['fdg-pet-ct']);
    expect((await api(app).post(SIGN_PATH).send(other.sign).expect(200)).body.cards).toHaveLength(1);
  });
});

describe('client profiles', () => {
  const failedProcedures = (patient: string) => {
    const body: any = hookRequest({ patient, orders: ['fdg-pet-ct'] });
    body.prefetch.procedures = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    return body;
  };

  it("generic and epic: an unreadable record is the spec's 412", async () => {
    await api(app).post(SERVICE_PATH).send(failedProcedures('pos-mcode')).expect(412);
  });

  it('the sandbox profile: an unreadable record is a 200 with an info card saying no rating was given and why (the sandbox shows a 412 as "All clear")', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-sandbox-trust-')), 'trusted-issuers.json');
    const entries = JSON.parse(fs.readFileSync(TEST_TRUST_FILE, 'utf8')).map((e: any) => ({ ...e, profile: 'cds-hooks-sandbox' }));
    fs.writeFileSync(file, JSON.stringify(entries));
    const { app: sandbox } = testApp({ CDS_TRUSTED_ISSUERS: file });
    const res = await api(sandbox).post(SERVICE_PATH).send(failedProcedures('pos-mcode')).expect(200);
    expect(res.body.cards).toHaveLength(1);
    expect(res.body.cards[0]).toMatchObject({
      indicator: 'info',
      summary: expect.stringMatching(/not rated; the patient's record could not be read/),
    });
    expect(res.body.cards[0].detail).toMatch(/\(procedures\)/);
    expect(res.body.cards[0].detail).toMatch(/This is not an "all clear"/);
    // Ratings, when there are some, go where the sandbox reads them, and only there.
    const rated = await api(sandbox)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['fdg-pet-ct'] }))
      .expect(200);
    expect(rated.body.systemActions).toBeUndefined();
    expect(rated.body.extension.systemActions.map((a: any) => ratingOf(a.resource))).toEqual(['not-appropriate']);
    // Replacing the PET/CT order is one update of the same ServiceRequest, rated, with a reason.
    const update = rated.body.cards[0].suggestions[0].actions;
    expect(update.map((a: any) => [a.type, a.resource.id, ratingOf(a.resource), a.resource.reasonCode.length > 0])).toEqual([
      ['update', 'sr-fdg-pet-ct', 'appropriate', true],
    ]);
  });

  it('every profile file is checked at start, and an issuer naming an unknown profile stops it', () => {
    const { config } = loadConfig({ NODE_ENV: 'test' });
    expect([...config.profiles.keys()].sort()).toEqual(['cds-hooks-sandbox', 'epic', 'generic', 'oracle-health']);
    expect(config.profiles.get('cds-hooks-sandbox')).toMatchObject({
      unreadableRecord: 'info-card',
      replacement: 'update',
      systemActions: 'extension',
    });
    expect(config.profiles.get('epic')!.fallbackSearches.Condition).toEqual([
      { category: 'problem-list-item' },
      { category: 'encounter-diagnosis' },
    ]);
  });
});

describe('the audience a token names', () => {
  it('in development, localhost, 127.0.0.1 and [::1] are one host, with or without a trailing slash', () => {
    const forms = acceptedAudiences('http://localhost:3000/cds-services', false);
    for (const url of ['http://localhost:3000/cds-services', 'http://127.0.0.1:3000/cds-services/', 'http://[::1]:3000/cds-services'])
      expect(forms).toContain(url);
  });

  it('in production, only the configured public URL, with or without a trailing slash', () => {
    expect(acceptedAudiences('https://cds.hospital.example/cds-services', true)).toEqual([
      'https://cds.hospital.example/cds-services',
      'https://cds.hospital.example/cds-services/',
    ]);
    expect(acceptedAudiences('http://localhost:3000/cds-services', true)).not.toContain('http://127.0.0.1:3000/cds-services');
  });
});

describe('orders as EHRs code them, and the side they are for', () => {
  it('CPT 76882 with only words "US AXILLA LEFT" is US axilla, rated; the card names the side', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['us-axilla-left-words'] }))
      .expect(200);
    expect(res.body.cards).toHaveLength(1);
    expect(res.body.cards[0].summary).toMatch(/^US axilla \(left\):/);
  });

  it('an order for the other side only is not rated: the cancer is in the left breast, the order says right', async () => {
    const res = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['us-axilla-right-words'] }))
      .expect(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('an Epic catalogue code unknown to the site mapping, named in words, is rated; the same without contrast is not', async () => {
    const rated = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['mri-breast-local-code-words'] }))
      .expect(200);
    expect(rated.body.cards.map((c: any) => c.extension['axilla-cds.appropriateness'].procedure)).toEqual(['mri-breast-wo-w']);
    const unrated = await api(app)
      .post(SERVICE_PATH)
      .send(hookRequest({ patient: 'pos-mcode', orders: ['mri-breast-local-code-wo-words'] }))
      .expect(200);
    expect(unrated.body.cards).toEqual([]);
  });
});
