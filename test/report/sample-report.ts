import type { KnowledgeSection, ReportData } from '../../src/report/types';

/**
 * A governance report for one day of traffic, by hand: 40 hook calls (8 of them to a service in silent mode),
 * 16 cards shown, 6 accepted, 3 overridden with 2 different reasons, 1 feedback item for an unknown card,
 * 1 audit row lost. The knowledge part is taken from the real knowledge files (shortened value sets), plus a
 * site code whose display carries a `<script>` tag, as an audit store or a site export might.
 *
 * @example
 * renderHtml(sampleReport())
 */
export function sampleReport(): ReportData {
  return {
    generatedAt: '2026-12-02T06:00:00Z',
    period: { from: '2026-12-01', to: '2026-12-01' },
    store: 'sqlite',
    knows: {
      version: '0.1.0',
      digest: '3f9a1c0be27d4e58',
      changes: [
        {
          version: '0.1.0',
          date: '2026-11-25',
          summary:
            'First version: variant 8 ratings from the seed article (not yet checked against the ACR table), value sets from shared/reference/terminology.md, card wording.',
        },
      ],
      services: [
        {
          id: 'axilla-imaging-order-select',
          hook: 'order-select',
          title: 'Axillary restaging imaging after neoadjuvant chemotherapy (ACR Appropriateness Criteria)',
          silent: false,
        },
        { id: 'axilla-imaging-order-sign', hook: 'order-sign', title: 'Axillary restaging imaging at signing (pilot)', silent: true },
      ],
      variant: VARIANT,
      ratings: RATINGS,
      exclusions: EXCLUSIONS,
      settings: [
        {
          name: 'lastDoseCompletedAfterDays',
          value: '21',
          meaning: 'Chemotherapy counts as completed 21 days after its last dose when no end is recorded',
          source: 'terminology.md §4.4 heuristic: one usual cycle length (site-configurable)',
        },
        {
          name: 'maxDaysSinceEnd',
          value: '120',
          meaning: 'Beyond 120 days after chemotherapy ended, the pre-surgical restaging question is unlikely to be the one asked: no card',
          source: 'site setting, not from ACR',
        },
        {
          name: 'unrelatedBeforeDiagnosisDays',
          value: '90',
          meaning: 'Chemotherapy, surgery and staging dated more than 90 days before this diagnosis belong to an earlier cancer',
          source: 'engineering judgement, pending clinical review',
        },
        {
          name: 'INSUFFICIENT_DATA_CARDS',
          value: 'on',
          meaning: 'An info card names what is missing when the record neither confirms nor excludes the scenario',
          source: 'site configuration (environment)',
        },
        {
          name: 'BREAST_STUDY_INDICATOR',
          value: 'auto',
          meaning: 'Mammography and DBT cards are a warning only when the order is clearly for the axilla',
          source: 'site configuration (environment)',
        },
      ],
      valueSets: VALUE_SETS,
      textPatterns: TEXT_PATTERNS,
      cards: CARD_WORDING,
      caveats: [
        {
          title: 'Ratings not yet checked against the ACR table',
          text: 'All five ratings come from a secondary source (the seed article). Each card says so. The committee should decide whether the service may show cards before a clinician checks them against the ACR evidence table.',
          source: 'hooks/variants/acr-286-v8.json, reviewStatus of every rating',
        },
        {
          title: 'ACR topic 235 variant 5 overlaps this variant',
          text: 'Topic 235 variant 5 reportedly rates US axilla Usually appropriate for a similar patient, where this variant says May be appropriate (panel disagreement). Decide which topic wins.',
          source: 'terminology.md §1.5',
        },
      ],
      names: {
        procedures: {
          'mri-breast-wo-w': 'MRI breast without and with IV contrast',
          'us-axilla': 'US axilla',
          'mammography-diagnostic': 'Diagnostic mammography',
          'dbt-diagnostic': 'Diagnostic digital breast tomosynthesis',
          'fdg-pet-ct': 'FDG-PET/CT skull base to mid-thigh',
        },
        missingFacts: {
          'initial-nodal-status': 'pre-treatment nodal status',
          'initial-size': 'pre-treatment tumour size',
          'chemotherapy-end': 'the end of chemotherapy',
        },
      },
    },
    did: {
      calls: 40,
      callsPerDay: [{ date: '2026-12-01', calls: 40 }],
      outcomes: [
        { key: 'does-not-apply', count: 17 },
        { key: 'applies', count: 14 },
        { key: 'insufficient-data', count: 5 },
        { key: 'no-rated-order', count: 3 },
        { key: 'unreadable', count: 1 },
      ],
      reasons: [
        { key: 'chemotherapy-in-progress', count: 6 },
        { key: 'node-positive', count: 4 },
        { key: 'surgery-since-chemotherapy', count: 3 },
        { key: 'chemotherapy-not-started', count: 2 },
        { key: 'distant-metastasis', count: 1 },
        { key: 'male', count: 1 },
      ],
      missing: [
        { key: 'initial-nodal-status', count: 3 },
        { key: 'initial-size', count: 2 },
        { key: 'chemotherapy-end', count: 1 },
      ],
      cards: [
        { procedure: 'mri-breast-wo-w', rating: 'may-be-appropriate', indicator: 'info', shown: 5, silent: 1 },
        { procedure: 'us-axilla', rating: 'may-be-appropriate', indicator: 'info', shown: 4, silent: 1 },
        { procedure: 'fdg-pet-ct', rating: 'usually-not-appropriate', indicator: 'warning', shown: 3, silent: 1 },
        { procedure: 'mammography-diagnostic', rating: 'usually-not-appropriate', indicator: 'info', shown: 2, silent: 0 },
        { procedure: 'us-axilla', rating: 'insufficient-data', indicator: 'info', shown: 2, silent: 1 },
      ],
      recordSources: [
        { key: 'prefetch', count: 30 },
        { key: 'both', count: 6 },
        { key: 'none', count: 3 },
        { key: 'fhir', count: 1 },
      ],
      fallbackRate: 7 / 37,
      failedReads: [
        { key: 'diagnosticReports', count: 2 },
        { key: 'medicationDispenses', count: 1 },
      ],
      latencyMs: { p50: 142, p95: 611, p99: 1240, max: 1873 },
      silent: { calls: 8, wouldHaveShownCards: 4 },
      droppedAuditRows: 1,
      statuses: [
        { key: '200', count: 39 },
        { key: '412', count: 1 },
      ],
    },
    answered: {
      cardsShown: 16,
      feedbackItems: 10,
      byCard: [
        {
          procedure: 'mri-breast-wo-w',
          rating: 'may-be-appropriate',
          shown: 5,
          accepted: 3,
          overridden: 0,
          unanswered: 2,
          acceptanceRate: 3 / 5,
          overrideRate: 0,
        },
        {
          procedure: 'us-axilla',
          rating: 'may-be-appropriate',
          shown: 4,
          accepted: 2,
          overridden: 0,
          unanswered: 2,
          acceptanceRate: 2 / 4,
          overrideRate: 0,
        },
        {
          procedure: 'fdg-pet-ct',
          rating: 'usually-not-appropriate',
          shown: 3,
          accepted: 1,
          overridden: 2,
          unanswered: 0,
          acceptanceRate: 1 / 3,
          overrideRate: 2 / 3,
        },
        {
          procedure: 'mammography-diagnostic',
          rating: 'usually-not-appropriate',
          shown: 2,
          accepted: 0,
          overridden: 1,
          unanswered: 1,
          acceptanceRate: 0,
          overrideRate: 1 / 2,
        },
        {
          procedure: 'us-axilla',
          rating: 'insufficient-data',
          shown: 2,
          accepted: 0,
          overridden: 0,
          unanswered: 2,
          acceptanceRate: 0,
          overrideRate: 0,
        },
      ],
      overrideReasons: [
        { code: 'distant-metastatic-evaluation', display: 'Evaluating for distant metastatic disease', count: 2 },
        { code: 'primary-tumour-evaluation', display: 'Ordered to evaluate the primary breast tumour, not the axilla', count: 1 },
      ],
      suggestionsChosen: [{ key: 'mri-breast-wo-w', count: 1 }],
      unknownCards: 1,
    },
  };
}

/**
 * The same report for a period with no call: the knowledge is unchanged, every activity and feedback figure
 * is zero or empty.
 */
export function emptyReport(): ReportData {
  const report = sampleReport();
  return {
    ...report,
    period: { from: '2026-12-05', to: '2026-12-05' },
    did: {
      calls: 0,
      callsPerDay: [{ date: '2026-12-05', calls: 0 }],
      outcomes: [],
      reasons: [],
      missing: [],
      cards: [],
      recordSources: [],
      fallbackRate: 0,
      failedReads: [],
      latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
      silent: { calls: 0, wouldHaveShownCards: 0 },
      droppedAuditRows: 0,
      statuses: [],
    },
    answered: { cardsShown: 0, feedbackItems: 0, byCard: [], overrideReasons: [], suggestionsChosen: [], unknownCards: 0 },
  };
}

const VARIANT: KnowledgeSection['variant'] = {
  id: 'acr-286-v8',
  version: '1.1.0',
  title: 'ACR Appropriateness Criteria, Imaging of the Axilla (topic 286), variant 8',
  text: 'Female. Breast cancer, greater than 2 cm in size, clinical node-negative. Imaging of the axilla after completion of neoadjuvant chemotherapy.',
  source: {
    label: 'ACR Appropriateness Criteria: Imaging of the Axilla, variant 8',
    url: 'https://acsearch.acr.org/list/GetAppendix?TopicId=286&PanelName=Breast',
    citation:
      'Le-Petross HT, Slanetz PJ, Lewin AA, et al. (Expert Panel on Breast Imaging). ACR Appropriateness Criteria Imaging of the Axilla. J Am Coll Radiol (year and volume not verified).',
    secondarySource:
      "shared/seed/000_bf8938e8188adcdd.txt: 'How Should You Image the Axilla After Neoadjuvant Therapy for Node-Negative Breast Cancer?', reviewed by Pouyan Golshani, MD, 2026-05-29",
  },
};

const RATINGS: KnowledgeSection['ratings'] = [
  {
    procedure: 'mri-breast-wo-w',
    category: 'may-be-appropriate',
    disagreement: false,
    radiationLevel: 'O',
    adultDose: '0 mSv',
    source:
      "seed: 'the American College of Radiology (ACR) Appropriateness Criteria rate MRI breast without and with IV contrast as May be appropriate'",
    reviewStatus: 'not-checked-against-acr-table',
    reviewNote:
      'The seed is a secondary source; the ACR variant 8 table was not readable during research (terminology.md §1.2). A third-party summary agrees.',
  },
  {
    procedure: 'us-axilla',
    category: 'may-be-appropriate',
    disagreement: true,
    radiationLevel: 'O',
    adultDose: '0 mSv',
    source:
      'seed: \'US axilla is also rated May be appropriate, but with a note of "Disagreement" among the panel ... Its utility is highest when a specific node was marked with a clip prior to therapy.\'',
    reviewStatus: 'not-checked-against-acr-table',
    reviewNote:
      'From the seed only; unverified against the ACR table. ACR topic 235 variant 5 (overlapping) reportedly rates US axilla Usually appropriate (terminology.md §1.5): governance to decide which topic wins.',
  },
  {
    procedure: 'mammography-diagnostic',
    category: 'usually-not-appropriate',
    disagreement: false,
    radiationLevel: '☢☢',
    adultDose: '0.1-1 mSv',
    source:
      "seed: 'Mammography diagnostic and Digital breast tomosynthesis diagnostic are rated Usually not appropriate for this indication. While essential for evaluating the primary breast tumor, mammography has very limited sensitivity for assessing lymph node status'",
    reviewStatus: 'not-checked-against-acr-table',
    reviewNote: 'Category from the seed only (terminology.md §1.2: UNVERIFIED against ACR).',
  },
  {
    procedure: 'dbt-diagnostic',
    category: 'usually-not-appropriate',
    disagreement: false,
    radiationLevel: '☢☢',
    adultDose: '0.1-1 mSv',
    source:
      "seed: 'Mammography diagnostic and Digital breast tomosynthesis diagnostic are rated Usually not appropriate for this indication.'",
    reviewStatus: 'not-checked-against-acr-table',
    reviewNote: 'Category from the seed only (terminology.md §1.2: UNVERIFIED against ACR).',
  },
  {
    procedure: 'fdg-pet-ct',
    category: 'usually-not-appropriate',
    disagreement: false,
    radiationLevel: '☢☢☢☢',
    adultDose: '10-30 mSv',
    source:
      "seed: 'FDG-PET/CT is rated Usually not appropriate for the isolated question of axillary restaging ... if there is a broader clinical concern for distant metastatic disease, then a PET/CT for full-body restaging might be considered'",
    reviewStatus: 'not-checked-against-acr-table',
    reviewNote: 'Category and dose from the seed only (terminology.md §1.2).',
  },
];

const EXCLUSIONS: KnowledgeSection['exclusions'] = [
  { reason: 'male', description: 'Sex known and not female', source: "variant text 'Female.'" },
  {
    reason: 'no-breast-cancer',
    description: 'No confirmed primary breast cancer (in situ only, refuted, entered in error, provisional, secondary)',
    source: "seed: 'a female with biopsy-proven breast cancer'; terminology.md §2",
  },
  {
    reason: 'recurrence',
    description:
      'The breast cancer is a recurrence (variant 10): clinical status recurrence or relapse; a personal history of breast cancer (Z85.3, V10.3, SNOMED 429087003, or a breast cancer problem written as history); an earlier primary breast cancer in the same breast (or a side not stated) diagnosed more than the window before this one; breast or axillary surgery before this diagnosis; a problem named recurrent',
    source: 'terminology.md §1.5, variant 10',
  },
  {
    reason: 'distant-metastasis',
    description:
      'Distant metastasis on record, in any coding: ICD-10-CM C77 distant node groups, C78, C79 (not C79.81); SNOMED secondary neoplasms, metastatic breast cancer and history of metastatic cancer; an mCODE secondary cancer outside the regional nodes; M1 or stage IV in staging Observations or Condition.stage (coded or text), preliminary included',
    source:
      'variant text (variant 8 is about the axilla before surgery; distant disease is systemic restaging); terminology.md §1.6; mCODE SecondaryCancerDisorderVS (github.com/HL7/fhir-mCODE-ig); AJCC 8th edition stage IV',
  },
  {
    reason: 'node-positive',
    description:
      "Node-positive: any N1-N3 of this cancer (clinical at any time, or pathological before chemotherapy; preliminary included), a regional node metastasis diagnosis (C77.3, C77.0, C77.1, SNOMED 399374009), or a positive axillary or regional node biopsy (coded outcome, outcome text, or its pathology report's conclusion)",
    source: "seed: 'Clinically node-positive disease at diagnosis ... follow a different restaging and surgical pathway'; variant 9",
  },
  {
    reason: 'other-histology',
    description:
      "The breast tumour is not a carcinoma: phyllodes tumour, sarcoma (including angiosarcoma) or lymphoma, by morphology (mCODE histology extension, ICD-O-3, SNOMED), a histology Observation of this cancer, the diagnosis' own words, or a lymphoma or sarcoma diagnosis sited in the breast",
    source:
      "variant text 'Breast cancer' (the ACR breast imaging criteria address carcinoma); WHO classification of breast tumours; ICD-O-3 morphology (SEER site/histology validation lists)",
  },
  {
    reason: 'small-tumour',
    description: '2 cm or less before chemotherapy (T0, Tis, T1, or a size of 20 mm or less)',
    source: "variant text 'greater than 2 cm in size'",
  },
  {
    reason: 'chemotherapy-not-started',
    description: 'No chemotherapy on record (initial staging is another variant, 5)',
    source:
      "seed: 'Newly diagnosed breast cancer before neoadjuvant therapy: The imaging strategy for initial axillary staging is different.'",
  },
  {
    reason: 'chemotherapy-in-progress',
    description: 'Chemotherapy still in progress (mid-treatment is another variant, 7)',
    source: "seed: 'she has now completed a full course of neoadjuvant chemotherapy'",
  },
  {
    reason: 'progression-on-chemotherapy',
    description:
      'The cancer progressed on chemotherapy: an order or procedure stopped for progression (SNOMED 266721009 No response to treatment, or words), or a treatment-response or disease-status observation after chemotherapy started that says it worsened',
    source:
      "seed: 'she has now completed a full course of neoadjuvant chemotherapy'; progression on treatment calls for systemic restaging, not this variant; mCODE TreatmentTerminationReasonVS and CancerDiseaseStatus (github.com/HL7/fhir-mCODE-ig)",
  },
  {
    reason: 'adjuvant-chemotherapy',
    description:
      'Breast surgery came before chemotherapy, so it was adjuvant, not neoadjuvant: breast surgery (or an acquired absence of the breast), or a pT of this cancer, dated on or before the start of chemotherapy',
    source: "variant text 'after completion of neoadjuvant chemotherapy'",
  },
  {
    reason: 'axillary-surgery-before-chemotherapy',
    description:
      "The axilla was operated on before chemotherapy (a sentinel node biopsy or node excision, or a pN with no pT): it is staged surgically, so restaging it by imaging after chemotherapy is not this variant's question",
    source:
      "seed: 'the purpose of imaging is to restage the axilla before surgery' for an axilla staged clinically (cN0); clinical review 2026-12-01: a pre-treatment sentinel node biopsy is not adjuvant chemotherapy, and gets no card for its own reason",
  },
  {
    reason: 'surgery-since-chemotherapy',
    description:
      'Breast or axillary surgery (CPT, ICD-10-PCS, SNOMED, or an acquired absence of the breast Z90.1x), ypT/ypN staging, or pathological staging or a specimen size since chemotherapy started: restaging before surgery is past',
    source: "seed: 'the purpose of imaging is to restage the axilla before surgery'",
  },
  {
    reason: 'chemotherapy-ended-too-long-ago',
    description: 'Chemotherapy ended more than maxDaysSinceEnd days ago (site setting)',
    source: 'site setting; see chemotherapy.source',
  },
];

const CARD_WORDING: KnowledgeSection['cards'] = [
  {
    kind: 'may-be-appropriate',
    indicator: 'info',
    summary: '{{procedure}}: May be appropriate to restage the axilla after neoadjuvant chemotherapy (ACR)',
    detail: [
      '**ACR Appropriateness Criteria, {{variantTitle}}:** {{rating}}. Relative radiation level: {{radiation}}.',
      'MRI is sensitive for residual disease in the breast and the axilla at once, and a negative axillary MRI supports sentinel lymph node biopsy rather than axillary dissection. Compare with the pre-treatment imaging: after chemotherapy, size alone misleads (treatment-related changes).',
      '**Why this card:**\n{{facts}}',
    ],
    suggestions: [],
    overrideReasons: [],
  },
  {
    kind: 'usually-not-appropriate-replace',
    indicator: 'warning',
    summary: '{{procedure}}: Usually not appropriate to restage the axilla after neoadjuvant chemotherapy ({{dose}})',
    detail: [
      '**ACR Appropriateness Criteria, {{variantTitle}}:** {{rating}} for the isolated question of axillary restaging. Relative radiation level: {{radiation}}.',
      'MRI breast without and with IV contrast or US axilla answer the axillary question without this radiation dose. If the concern is distant metastatic disease, whole-body restaging may still be warranted: choose that override reason.',
      '**Why this card:**\n{{facts}}',
    ],
    suggestions: ['Replace with MRI breast without and with IV contrast', 'Replace with US axilla'],
    overrideReasons: [
      'Evaluating for distant metastatic disease',
      'Patient cannot have MRI (contraindication)',
      'Multidisciplinary tumour board recommendation',
      'Other clinical reason (see comment)',
    ],
  },
  {
    kind: 'usually-not-appropriate-add',
    indicator: 'info',
    summary: '{{procedure}} does not restage the axilla after neoadjuvant chemotherapy; it still serves the primary tumour',
    detail: [
      '**ACR Appropriateness Criteria, {{variantTitle}}:** {{rating}} for restaging the axilla. Relative radiation level: {{radiation}}.',
      '{{procedureName}} remains essential to evaluate the **primary breast tumour** after chemotherapy; keep it for that. For the **axilla** its sensitivity is very limited, particularly after chemotherapy-related architectural distortion: add MRI breast without and with IV contrast or US axilla if the axilla needs restaging.',
      '**Why this card:**\n{{facts}}',
    ],
    suggestions: ['Add MRI breast without and with IV contrast (keep this order)', 'Add US axilla (keep this order)'],
    overrideReasons: [
      'Ordered to evaluate the primary breast tumour, not the axilla',
      'The axilla is already being imaged by another study',
      'Multidisciplinary tumour board recommendation',
      'Other clinical reason (see comment)',
    ],
  },
  {
    kind: 'insufficient-data',
    indicator: 'info',
    summary: '{{procedure}}: not rated for axillary restaging; the record lacks {{missingShort}}',
    detail: [
      'If this patient has completed neoadjuvant chemotherapy for breast cancer that was larger than 2 cm and clinically node-negative at diagnosis, the ACR Appropriateness Criteria ({{variantTitle}}) rate {{procedureName}} as **{{rating}}**. The record does not show whether she fits, so this order is not rated.',
      '**Not found in the record:**\n{{missing}}',
      '**Found:**\n{{facts}}',
    ],
    suggestions: [],
    overrideReasons: [],
  },
];

const TEXT_PATTERNS: KnowledgeSection['textPatterns'] = [
  {
    name: 'axillaSite',
    description: 'A body site or report written in words names the axilla or its lymph nodes (level I-II regional nodes).',
    match: ['\\baxill', '\\bsentinel (lymph )?node'],
    unless: [],
    source: "AJCC 8th edition breast regional nodes (axillary levels I-II); SNOMED CT 'Axillary lymph node structure' 68171009",
  },
  {
    name: 'biopsyResultNegative',
    description:
      "A pathology result that says no tumour was found (these phrases are removed before the positive test, so 'negative for metastatic carcinoma' is not read as positive).",
    match: [
      '\\bnegative\\s+for\\s+(\\w+\\s+){0,2}(malignan\\w*|carcinoma|metasta\\w*|tumou?r|cancer|neoplasm)',
      '\\bno\\s+(evidence\\s+of\\s+|residual\\s+|definite\\s+)*(\\w+\\s+){0,2}(malignan\\w*|carcinoma|metasta\\w*|tumou?r|cancer|neoplasm)',
      '\\bwithout\\s+(evidence\\s+of\\s+)?(\\w+\\s+){0,2}(malignan\\w*|carcinoma|metasta\\w*|tumou?r|cancer|neoplasm)',
      '\\bfree\\s+of\\s+(\\w+\\s+){0,1}(malignan\\w*|carcinoma|metasta\\w*|tumou?r|cancer|neoplasm)',
      '\\bbenign\\b',
      '\\breactive\\b',
      '\\bnegative\\b',
    ],
    unless: [],
    source:
      "CAP cancer protocol wording for lymph node specimens ('negative for', 'no evidence of', 'benign'); axilla-cds engineering, pending clinical review",
  },
];

const VALUE_SETS: KnowledgeSection['valueSets'] = [
  {
    id: 'imaging-procedures',
    version: '1.1.0',
    title: 'Imaging procedures rated by ACR topic 286 variant 8',
    description:
      "Classifies the selected imaging order (ServiceRequest.code, also DiagnosticReport/ImagingStudy codes) into the procedures ACR Topic 286 Variant 8 rates. Known imaging codes that this variant does not rate (no-contrast MRI, screening studies, breast US, CT, codes too generic to classify) map to not-rated. Generic codes carry yieldsTo: when another coding of the same resource has one of those meanings, the specific code decides (e.g. 'MRI of breast' beside an MRI-with-contrast code, diagnostic mammography beside a DBT add-on).",
    codes: [
      {
        system: 'http://www.ama-assn.org/go/cpt',
        code: '77049',
        display: 'MRI breast without and with contrast, including CAD, bilateral (paraphrased)',
        meaning: 'mri-breast-wo-w',
        source: 'terminology.md §6 (CPT seen in secondary coding sites)',
        verification: 'secondary',
      },
      {
        system: 'http://www.ama-assn.org/go/cpt',
        code: '77048',
        display: 'MRI breast without and with contrast, including CAD, unilateral (paraphrased)',
        meaning: 'mri-breast-wo-w',
        source: 'terminology.md §6 (CPT seen in secondary coding sites)',
        verification: 'secondary',
      },
      {
        system: 'http://loinc.org',
        code: '36277-2',
        display: 'MR Breast - bilateral WO and W contrast IV',
        meaning: 'mri-breast-wo-w',
        source: 'Microsoft Azure Radiology Insights LOINC appendix (Radiology Playbook), via terminology.md §6',
        verification: 'verified',
      },
      {
        system: 'http://loinc.org',
        code: '36278-0',
        display: 'MR Breast - left WO and W contrast IV',
        meaning: 'mri-breast-wo-w',
        source: 'Microsoft Azure Radiology Insights LOINC appendix (Radiology Playbook), via terminology.md §6',
        verification: 'verified',
      },
    ],
    prefixes: [],
  },
  {
    id: 'body-sites',
    version: '1.1.0',
    title: 'Body sites (bodySite)',
    description:
      'Classifies Condition/Procedure/ServiceRequest bodySite codings as breast or axilla; used for codes that require an axillary body site (requiresBodySite) and for laterality matching. Internal mammary / supra- / infraclavicular node sites are other-regional-nodes (N3-level), not axilla.',
    codes: [
      {
        system: 'http://snomed.info/sct',
        code: '76752008',
        display: 'Breast structure',
        meaning: 'breast',
        source: 'HL7 ICHOM Breast Cancer IG, via terminology.md §2.2',
        verification: 'verified',
      },
      {
        system: 'http://snomed.info/sct',
        code: '80248007',
        display: 'Left breast structure',
        meaning: 'breast',
        source: 'mCODE and HL7 ICHOM Breast Cancer IG, via terminology.md §2.2',
        verification: 'verified',
      },
      {
        system: 'http://snomed.info/sct',
        code: '73056007',
        display: 'Right breast structure',
        meaning: 'breast',
        source: 'HL7 ICHOM Breast Cancer IG, via terminology.md §2.2',
        verification: 'verified',
      },
      {
        system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.768076',
        code: 'AXL-L',
        display: 'Left axilla <script>alert("x")</script>',
        meaning: 'axilla',
        source: 'site build export, 2026-11-30',
        verification: 'site',
      },
    ],
    prefixes: [],
  },
];
