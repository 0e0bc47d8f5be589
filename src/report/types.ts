/**
 * Everything the governance report shows, computed once (`buildReport`) and rendered twice: as one
 * self-contained HTML page and as Markdown with the same figures. Pure data: no Date objects, no functions.
 */
export interface ReportData {
  /** When the report was made, ISO 8601. */
  generatedAt: string;
  /** The period the activity covers: ISO dates (YYYY-MM-DD), inclusive; undefined = from the first / to the last call. */
  period: { from?: string; to?: string };
  /** Which store it was read from: 'sqlite' or 'postgres'. */
  store: string;
  knows: KnowledgeSection;
  did: ActivitySection;
  answered: FeedbackSection;
}

/** What the service knows: read from the knowledge files, not from the store. */
export interface KnowledgeSection {
  version: string;
  digest: string;
  changes: { version: string; date: string; summary: string }[];
  services: { id: string; hook: string; title: string; silent: boolean }[];
  variant: {
    id: string;
    version: string;
    title: string;
    /** The variant in clinical words (the ACR text). */
    text: string;
    source: { label: string; url: string; citation?: string; secondarySource?: string };
  };
  ratings: {
    procedure: string;
    category: string;
    disagreement: boolean;
    radiationLevel: string;
    adultDose: string;
    source: string;
    reviewStatus: string;
    reviewNote: string;
  }[];
  /** The exclusions, in the order they are checked. */
  exclusions: { reason: string; description: string; source: string }[];
  /** Site settings in force (the 21-, 90- and 120-day rules and others), each with what it means and where it comes from. */
  settings: { name: string; value: string; meaning: string; source: string }[];
  valueSets: {
    id: string;
    version: string;
    title: string;
    description: string;
    codes: { system: string; code: string; display: string; meaning: string; source: string; verification: string }[];
    prefixes: { system: string; prefix: string; display: string; meaning: string; source: string; verification: string }[];
  }[];
  textPatterns: { name: string; description: string; match: string[]; unless: string[]; source: string }[];
  /** Card wording per card kind: indicator, summary template, detail paragraphs, suggestions, override reasons. */
  cards: { kind: string; indicator: string; summary: string; detail: string[]; suggestions: string[]; overrideReasons: string[] }[];
  /** Known caveats a committee must decide on (e.g. ACR topic 235 variant 5 overlapping this variant). */
  caveats: { title: string; text: string; source: string }[];
  /** Words for the keys the activity figures use: procedure keys, missing facts. */
  names: { procedures: Record<string, string>; missingFacts: Record<string, string> };
}

/** What the service did in the period: from the audit trail. */
export interface ActivitySection {
  /** Hook calls audited in the period (silent ones included). */
  calls: number;
  /** Calls per day, oldest first (days with no call are included, so the chart has a true time axis). */
  callsPerDay: { date: string; calls: number }[];
  /** Calls by outcome: applies, does-not-apply, insufficient-data, unreadable, no-rated-order. */
  outcomes: Count[];
  /** Does-not-apply calls by exclusion reason, largest first. */
  reasons: Count[];
  /** Insufficient-data calls by missing fact, largest first (one call may miss several facts). */
  missing: Count[];
  /** Cards issued (or, in silent mode, that would have been), by procedure and rating. */
  cards: { procedure: string; rating: string; indicator: string; shown: number; silent: number }[];
  /** Calls that read the record: from prefetch only, from the FHIR server only, both. */
  recordSources: Count[];
  /** Share of calls that read the record and needed the FHIR server (0..1). */
  fallbackRate: number;
  /** Failed reads by prefetch key. */
  failedReads: Count[];
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Silent-mode calls and the cards they would have shown. */
  silent: { calls: number; wouldHaveShownCards: number };
  /** Audit rows lost (store down, queue full), summed over the period. */
  droppedAuditRows: number;
  /** Calls by HTTP status (200, 412). */
  statuses: Count[];
}

/** How clinicians answered the cards (feedback joined to the cards it answers by card uuid). */
export interface FeedbackSection {
  /** Cards shown (not silent) in the period. */
  cardsShown: number;
  /** Feedback items received in the period. */
  feedbackItems: number;
  /** Per card kind (procedure and rating): shown, accepted, overridden, never answered, and the rates (0..1). */
  byCard: {
    procedure: string;
    rating: string;
    shown: number;
    accepted: number;
    overridden: number;
    unanswered: number;
    acceptanceRate: number;
    overrideRate: number;
  }[];
  /** Override reasons, most used first (display as the card offered it; userComment never shown). */
  overrideReasons: { code: string; display: string; count: number }[];
  /** Which suggested replacement was chosen, by the procedure of the suggestion. */
  suggestionsChosen: Count[];
  /** Feedback for card uuids this service never issued (or issued outside the audit trail's period). */
  unknownCards: number;
}

export interface Count {
  key: string;
  count: number;
}
