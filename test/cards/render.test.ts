import type { ServiceRequest } from 'fhir/r4';
import type { CdsCard } from '../../src/cds/types';
import { renderCards, type CardSettings } from '../../src/cards/render';
import { knowledge } from '../support/app';
import { decideFor, orderContext } from '../support/engine';
import { patientBundle } from '../../fhir-fixtures/build';

const AUTO: CardSettings = { insufficientDataCards: true, breastStudyIndicator: 'auto' };

function cardsFor(patient: string, orders: string[], selected = orders, settings = AUTO): CdsCard[] {
  const bundle = patientBundle(patient);
  const decision = decideFor(bundle, orders);
  const context = orderContext(bundle, orders, selected);
  const decisionForSelection = { ...decision, orders: decision.orders.filter((o) => context.selections.includes(o.ref)) };
  return renderCards(decisionForSelection, context, knowledge(), settings);
}

const contract = (card: CdsCard) => card.extension!['axilla-cds.appropriateness'] as Record<string, unknown>;

describe('cards when variant 8 applies', () => {
  it('MRI breast w/o+w: May be appropriate, info, no suggestions', () => {
    const [card] = cardsFor('pos-mcode', ['mri-breast-wo-w']);
    expect(card.indicator).toBe('info');
    expect(card.summary).toMatch(/May be appropriate/);
    expect(card.suggestions).toBeUndefined();
    expect(card.selectionBehavior).toBeUndefined();
    expect(contract(card)).toMatchObject({ order: 'ServiceRequest/sr-mri-breast-wo-w', procedure: 'mri-breast-wo-w', rating: 'may-be-appropriate', disagreement: false, variant: '286/8', knowledgeVersion: knowledge().version });
    expect(contract(card).missing).toBeUndefined();
  });

  it('US axilla: May be appropriate (Disagreement), says a clip helps, and no clip is on record', () => {
    const [card] = cardsFor('pos-mcode', ['us-axilla']);
    expect(card.indicator).toBe('info');
    expect(card.summary).toMatch(/May be appropriate \(panel disagreement\)/);
    expect(card.detail).toMatch(/most useful when an axillary node was marked with a clip/);
    expect(card.detail).toMatch(/No axillary node clip placed before chemotherapy was found/);
    expect(contract(card)).toMatchObject({ rating: 'may-be-appropriate', disagreement: true });
  });

  it('US axilla with a clipped node: says so specifically, naming the clip procedure', () => {
    const [card] = cardsFor('pos-clipped-node', ['us-axilla']);
    expect(card.detail).toMatch(/A clipped axillary node is on record\*\* \(Procedure\/pos-clipped-node-node-clip/);
    expect(contract(card).evidence).toContain('Procedure/pos-clipped-node-node-clip');
  });

  it('a breast biopsy clip is not a clipped node', () => {
    const [card] = cardsFor('pos-breast-clip-only', ['us-axilla']);
    expect(card.detail).not.toMatch(/A clipped axillary node is on record/);
  });

  it('FDG-PET/CT: warning with 10-30 mSv, replace suggestions (delete + create), at-most-one', () => {
    const [card] = cardsFor('pos-mcode', ['fdg-pet-ct']);
    expect(card.indicator).toBe('warning');
    expect(card.summary).toMatch(/Usually not appropriate/);
    expect(card.summary).toMatch(/10-30 mSv/);
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.suggestions!.map((s) => s.label)).toEqual(['Replace with MRI breast without and with IV contrast', 'Replace with US axilla']);
    for (const suggestion of card.suggestions!) {
      expect(suggestion.uuid).toMatch(/^[0-9a-f-]{36}$/);
      const [remove, create] = suggestion.actions;
      expect(remove).toMatchObject({ type: 'delete', resourceId: 'ServiceRequest/sr-fdg-pet-ct' });
      expect(create.type).toBe('create');
      const order = create.resource as ServiceRequest;
      expect(order).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/pos-mcode' }, reasonReference: [{ reference: 'Condition/pos-mcode-dx' }] });
      expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(order.code!.coding!.length).toBeGreaterThan(0);
    }
    expect(card.suggestions!.filter((s) => s.isRecommended)).toHaveLength(1);
    expect(card.overrideReasons!.map((r) => r.display)).toEqual(
      expect.arrayContaining(['Evaluating for distant metastatic disease', 'Patient cannot have MRI (contraindication)', 'Multidisciplinary tumour board recommendation']),
    );
    for (const reason of card.overrideReasons!) expect(reason).toEqual({ system: expect.any(String), code: expect.any(String), display: expect.any(String) });
  });

  it('FDG-PET/CT: an alternative already drafted is not suggested again', () => {
    const [card] = cardsFor('pos-mcode', ['fdg-pet-ct', 'mri-breast-wo-w'], ['fdg-pet-ct']);
    expect(card.suggestions!.map((s) => s.label)).toEqual(['Replace with US axilla']);
  });

  it.each(['mammography-diagnostic-axilla', 'mammography-diagnostic-unspecified', 'dbt-diagnostic'])(
    '%s: warning, says it still serves the primary tumour, suggests adding MRI or US (never deleting)',
    (order) => {
      const [card] = cardsFor('pos-mcode', [order]);
      expect(card.indicator).toBe('warning');
      expect(card.summary).toMatch(/does not restage the axilla/);
      expect(card.detail).toMatch(/essential to evaluate the \*\*primary breast tumour\*\*/);
      expect(card.suggestions!.map((s) => s.actions.map((a) => a.type))).toEqual([['create'], ['create']]);
      expect(card.overrideReasons![0].display).toBe('Ordered to evaluate the primary breast tumour, not the axilla');
      expect(contract(card)).toMatchObject({ rating: 'usually-not-appropriate' });
    },
  );

  it('a mammogram clearly for the breast is info', () => {
    const [card] = cardsFor('pos-mcode', ['mammography-diagnostic-breast']);
    expect(card.indicator).toBe('info');
    expect(card.suggestions).toHaveLength(2);
  });

  it('the site setting makes breast studies always info', () => {
    const [card] = cardsFor('pos-mcode', ['mammography-diagnostic-axilla'], undefined, { ...AUTO, breastStudyIndicator: 'info' });
    expect(card.indicator).toBe('info');
  });

  it('a mammogram beside a drafted MRI and US gets no suggestion', () => {
    const [card] = cardsFor('pos-mcode', ['mammography-diagnostic-axilla', 'mri-breast-wo-w', 'us-axilla'], ['mammography-diagnostic-axilla']);
    expect(card.suggestions).toBeUndefined();
    expect(card.selectionBehavior).toBeUndefined();
    expect(card.overrideReasons!.length).toBeGreaterThan(0);
  });

  it('every card: uuid, summary under 140, Markdown detail with facts and dates, radiation, source with topic, links', () => {
    const cards = cardsFor('pos-mcode', ['mri-breast-wo-w', 'us-axilla', 'mammography-diagnostic-axilla', 'dbt-diagnostic', 'fdg-pet-ct']);
    expect(cards).toHaveLength(5);
    for (const card of cards) {
      expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(card.summary.length).toBeLessThan(140);
      expect(card.detail).toMatch(/Relative radiation level: (O 0 mSv|☢+ [\d.-]+ mSv)/);
      expect(card.detail).toMatch(/\*\*Clinical nodal status before chemotherapy:\*\* node-negative \(cN0\), \d{4}-\d{2}-\d{2} \[Observation\/pos-mcode-cn\]/);
      expect(card.detail).toMatch(/\*\*Neoadjuvant chemotherapy:\*\* completed \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)/);
      expect(card.source).toMatchObject({ label: expect.stringMatching(/ACR Appropriateness Criteria/), url: expect.stringMatching(/^https:\/\//), topic: { system: expect.any(String), code: expect.any(String) } });
      expect(card.links![0]).toMatchObject({ type: 'absolute', url: expect.stringMatching(/^https:\/\/acsearch\.acr\.org/) });
      expect(contract(card).evidence).toEqual(expect.arrayContaining(['Condition/pos-mcode-dx', 'Observation/pos-mcode-ct', 'Observation/pos-mcode-cn', 'Procedure/pos-mcode-chemo']));
    }
    expect(new Set(cards.map((c) => c.uuid)).size).toBe(5);
  });

  it('only selected orders get a card; other drafts are context', () => {
    const cards = cardsFor('pos-mcode', ['fdg-pet-ct', 'mri-breast-wo-w'], ['mri-breast-wo-w']);
    expect(cards.map((c) => contract(c).procedure)).toEqual(['mri-breast-wo-w']);
  });

  it('orders that classify to no procedure get no card', () => {
    expect(cardsFor('pos-mcode', ['mri-breast-wo', 'mammography-screening', 'mri-brain'])).toEqual([]);
  });
});

describe('cards when data is insufficient', () => {
  it('one info card per selected rated order, naming what is missing, with no rating guessed', () => {
    const cards = cardsFor('insufficient-everything', ['fdg-pet-ct', 'mri-breast-wo-w']);
    expect(cards).toHaveLength(2);
    for (const card of cards) {
      expect(card.indicator).toBe('info');
      expect(card.summary.length).toBeLessThan(140);
      expect(card.summary).toMatch(/not rated/);
      expect(card.suggestions).toBeUndefined();
      expect(contract(card)).toMatchObject({ rating: 'insufficient-data', missing: ['initial-nodal-status', 'initial-size'] });
      expect(card.detail).toMatch(/Clinical nodal status \(cN0 or cN1-3\) recorded before chemotherapy/);
    }
  });

  it('can be switched off by the site', () => {
    expect(cardsFor('insufficient-everything', ['fdg-pet-ct'], undefined, { ...AUTO, insufficientDataCards: false })).toEqual([]);
  });
});

describe('no card when variant 8 does not apply', () => {
  it.each(['neg-cn1', 'neg-chemo-in-progress-procedure', 'neg-lumpectomy-after-chemo', 'neg-no-cancer', 'neg-chemo-not-started', 'neg-male'])('%s', (patient) => {
    expect(cardsFor(patient, ['fdg-pet-ct', 'mri-breast-wo-w', 'mammography-diagnostic-axilla'])).toEqual([]);
  });
});

describe('breast-targeted mammography: free text only', () => {
  it("a reason coded as the breast cancer diagnosis does not make the order breast-targeted", () => {
    const bundle = patientBundle('pos-mcode');
    const context = orderContext(bundle, ['mammography-diagnostic-unspecified']);
    const order = context.draftOrders.entry![0].resource as ServiceRequest;
    order.reasonCode = [{ coding: [{ system: 'http://snomed.info/sct', code: '353431000119107', display: 'Primary malignant neoplasm of female left breast' }] }];
    const decision = decideFor(bundle, ['mammography-diagnostic-unspecified']);
    const [card] = renderCards({ ...decision, orders: decision.orders.map((o) => ({ ...o, order })) }, context, knowledge(), AUTO);
    expect(card.indicator).toBe('warning');
  });
});
