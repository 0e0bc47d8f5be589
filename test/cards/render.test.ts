import type { ServiceRequest } from 'fhir/r4';
import type { CdsCard } from '../../src/cds/types';
import { genericConsultation, renderCards, type CardSettings } from '../../src/cards/render';
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
    expect(contract(card)).toMatchObject({
      order: 'ServiceRequest/sr-mri-breast-wo-w',
      procedure: 'mri-breast-wo-w',
      rating: 'may-be-appropriate',
      disagreement: false,
      variant: '286/8',
      knowledgeVersion: knowledge().version,
    });
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

  it('US axilla with a clipped node: says so specifically, with the date the clip was placed (the procedure id only in the extension)', () => {
    const [card] = cardsFor('pos-clipped-node', ['us-axilla']);
    expect(card.detail).toMatch(/A clipped axillary node is on record\*\* \(clip placed \d{4}-\d{2}-\d{2}\)/);
    expect(card.detail).not.toMatch(/Procedure\//);
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
    expect(card.suggestions!.map((s) => s.label)).toEqual([
      'Replace with MRI breast without and with IV contrast',
      'Replace with US axilla',
    ]);
    for (const suggestion of card.suggestions!) {
      expect(suggestion.uuid).toMatch(/^[0-9a-f-]{36}$/);
      const [remove, create] = suggestion.actions;
      expect(remove).toMatchObject({ type: 'delete', resourceId: 'ServiceRequest/sr-fdg-pet-ct' });
      expect(create.type).toBe('create');
      const order = create.resource as ServiceRequest;
      expect(order).toMatchObject({
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/pos-mcode' },
        reasonReference: [{ reference: 'Condition/pos-mcode-dx' }],
      });
      expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(order.code!.coding!.length).toBeGreaterThan(0);
    }
    expect(card.suggestions!.filter((s) => s.isRecommended)).toHaveLength(1);
    expect(card.overrideReasons!.map((r) => r.display)).toEqual(
      expect.arrayContaining([
        'Evaluating for distant metastatic disease',
        'Patient cannot have MRI (contraindication)',
        'Multidisciplinary tumour board recommendation',
      ]),
    );
    for (const reason of card.overrideReasons!)
      expect(reason).toEqual({ system: expect.any(String), code: expect.any(String), display: expect.any(String) });
  });

  it('FDG-PET/CT: an alternative already drafted is not suggested again', () => {
    const [card] = cardsFor('pos-mcode', ['fdg-pet-ct', 'mri-breast-wo-w'], ['fdg-pet-ct']);
    expect(card.suggestions!.map((s) => s.label)).toEqual(['Replace with US axilla']);
  });

  it.each([
    ['mammography-diagnostic-axilla', 'warning'],
    ['mammography-diagnostic-unspecified', 'info'],
    ['dbt-diagnostic', 'info'],
    ['mammography-diagnostic-epic-local', 'info'],
    ['dbt-diagnostic-77066-g0279', 'info'],
  ])(
    '%s: %s (a warning only when the order is for the axilla), says it still serves the primary tumour, suggests adding MRI or US (never deleting)',
    (order, indicator) => {
      const [card] = cardsFor('pos-mcode', [order]);
      expect(card.indicator).toBe(indicator);
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
    const [card] = cardsFor(
      'pos-mcode',
      ['mammography-diagnostic-axilla', 'mri-breast-wo-w', 'us-axilla'],
      ['mammography-diagnostic-axilla'],
    );
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
      expect(card.detail).toMatch(/\*\*Clinical nodal status before chemotherapy:\*\* node-negative \(cN0\), \d{4}-\d{2}-\d{2}\n/);
      expect(card.detail).not.toMatch(/(Observation|Procedure|Condition|Patient)\//);
      expect(card.detail).toMatch(/not yet checked against the ACR evidence table/);
      expect(card.detail).toMatch(/\*\*Neoadjuvant chemotherapy:\*\* completed \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)/);
      expect(card.source).toMatchObject({
        label: expect.stringMatching(/ACR Appropriateness Criteria/),
        url: expect.stringMatching(/^https:\/\//),
        topic: { system: expect.any(String), code: expect.any(String) },
      });
      expect(card.links![0]).toMatchObject({ type: 'absolute', url: expect.stringMatching(/^https:\/\/acsearch\.acr\.org/) });
      expect(contract(card).evidence).toEqual(
        expect.arrayContaining([
          'Condition/pos-mcode-dx',
          'Observation/pos-mcode-ct',
          'Observation/pos-mcode-cn',
          'Procedure/pos-mcode-chemo',
        ]),
      );
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
      expect(card.detail).toMatch(
        /The clinical nodal category before chemotherapy \(cN0, or cN1-cN3\): record the pre-treatment clinical staging of the axilla/,
      );
      expect(card.detail).toMatch(/record the clinical T category \(cT\) or the largest pre-treatment tumour size/);
    }
  });

  it('can be switched off by the site', () => {
    expect(cardsFor('insufficient-everything', ['fdg-pet-ct'], undefined, { ...AUTO, insufficientDataCards: false })).toEqual([]);
  });
});

describe('no card when variant 8 does not apply', () => {
  it.each([
    'neg-cn1',
    'neg-chemo-in-progress-procedure',
    'neg-lumpectomy-after-chemo',
    'neg-no-cancer',
    'neg-chemo-not-started',
    'neg-male',
  ])('%s', (patient) => {
    expect(cardsFor(patient, ['fdg-pet-ct', 'mri-breast-wo-w', 'mammography-diagnostic-axilla'])).toEqual([]);
  });
});

describe('axilla-targeted mammography: by body site or free text only', () => {
  function mammogramCard(edit: (order: ServiceRequest) => void) {
    const bundle = patientBundle('pos-mcode');
    const context = orderContext(bundle, ['mammography-diagnostic-unspecified']);
    const order = context.draftOrders.entry![0].resource as ServiceRequest;
    edit(order);
    const decision = decideFor(bundle, ['mammography-diagnostic-unspecified']);
    return renderCards({ ...decision, orders: decision.orders.map((o) => ({ ...o, order })) }, context, knowledge(), AUTO)[0];
  }

  it('a reason coded as a nodal diagnosis names the disease, not the target: info', () => {
    const card = mammogramCard(
      (order) =>
        (order.reasonCode = [
          {
            coding: [
              {
                system: 'http://hl7.org/fhir/sid/icd-10-cm',
                code: 'C77.3',
                display: 'Secondary malignant neoplasm of axilla and upper limb lymph nodes',
              },
            ],
          },
        ]),
    );
    expect(card.indicator).toBe('info');
  });

  it('a reason written as "restage the left axilla" makes it a warning', () => {
    const card = mammogramCard((order) => (order.reasonCode = [{ text: 'Post-NAC: restage the left axilla' }]));
    expect(card.indicator).toBe('warning');
  });

  it('an axillary body site makes it a warning', () => {
    const card = mammogramCard((order) => (order.bodySite = [{ coding: [{ system: 'http://snomed.info/sct', code: '68171009' }] }]));
    expect(card.indicator).toBe('warning');
  });
});

describe('cards a radiologist would sign off', () => {
  it('chemotherapy stopped early for toxicity: the card says "stopped early" and why, never "completed"', () => {
    for (const patient of ['pos-stopped-for-toxicity-epic', 'pos-stopped-for-toxicity-mcode']) {
      const [card] = cardsFor(patient, ['mri-breast-wo-w']);
      expect(card.detail).toMatch(/\*\*Neoadjuvant chemotherapy:\*\* stopped early \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\): \S/);
      expect(card.detail).not.toMatch(/\*\*Neoadjuvant chemotherapy:\*\* completed/);
    }
  });

  it('an axillary biopsy with no readable result: the card asks for that result, not for a nodal category', () => {
    const [card] = cardsFor('insufficient-node-biopsy-result-unreadable-oracle', ['fdg-pet-ct']);
    expect(contract(card)).toMatchObject({ rating: 'insufficient-data', missing: ['axillary-biopsy-result'] });
    expect(card.summary).toMatch(/lacks the axillary biopsy result/);
    expect(card.detail).toMatch(/record the pathology result \(positive or negative for metastatic carcinoma\)/);
  });

  it('a rating not yet checked against the ACR table says so on every rating card, once', () => {
    const cards = cardsFor('pos-mcode', ['mri-breast-wo-w', 'us-axilla', 'dbt-diagnostic', 'fdg-pet-ct']);
    for (const card of cards) expect(card.detail!.match(/not yet checked against the ACR evidence table/g)).toHaveLength(1);
  });
});

describe('a client profile without links', () => {
  const noLinks = () => {
    const consultation = genericConsultation();
    return { ...consultation, profile: { ...consultation.profile, links: false } };
  };
  const render = (patient: string, orders: string[]) => {
    const bundle = patientBundle(patient);
    return renderCards(decideFor(bundle, orders), orderContext(bundle, orders, orders), knowledge(), AUTO, noLinks());
  };

  it('gets rating cards and insufficient-data cards without links; the generic profile gets them with links', () => {
    const [rating] = render('pos-mcode', ['fdg-pet-ct']);
    const [insufficient] = render('insufficient-everything', ['fdg-pet-ct']);
    expect(contract(rating).rating).toBe('usually-not-appropriate');
    expect(contract(insufficient).rating).toBe('insufficient-data');
    expect(rating.links).toBeUndefined();
    expect(insufficient.links).toBeUndefined();
    expect(cardsFor('insufficient-everything', ['fdg-pet-ct'])[0].links?.length).toBeGreaterThan(0);
  });
});
