import type { Config } from '../config/load';
import type { Knowledge } from '../knowledge/knowledge';
import type { KnowledgeSection } from './types';

/**
 * What the service knows, for the committee: read from the loaded knowledge and the site settings in force,
 * so the report and the running service can never disagree.
 *
 * @example knowledgeSection(knowledge, config).ratings[0] // { procedure: 'mri-breast-wo-w', category: 'may-be-appropriate', ... }
 */
export function knowledgeSection(knowledge: Knowledge, config: Pick<Config, 'site' | 'governance'>): KnowledgeSection {
  const silent = config.governance.silentServices;
  const variant = knowledge.variant(knowledge.services[0].variant);
  const chemo = variant.criteria.chemotherapy;
  const site = config.site;
  return {
    version: knowledge.version,
    digest: knowledge.digest,
    changes: knowledge.manifest.changes,
    services: knowledge.services.map((s) => ({ id: s.id, hook: s.hook, title: s.title, silent: silent === '*' || silent.includes(s.id) })),
    variant: {
      id: variant.id,
      version: variant.version,
      title: `${variant.topic.title}, variant ${variant.variant}`,
      text: variant.text,
      source: {
        label: variant.source.label,
        url: variant.source.url,
        citation: variant.source.citation,
        secondarySource: variant.source.secondarySource,
      },
    },
    ratings: variant.ratings.map((r) => ({
      procedure: knowledge.procedure(r.procedure).name,
      category: r.category,
      disagreement: r.disagreement,
      radiationLevel: r.radiation.level,
      adultDose: r.radiation.adultDose,
      source: r.source,
      reviewStatus: r.reviewStatus.status,
      reviewNote: r.reviewStatus.note,
    })),
    exclusions: variant.criteria.exclusions,
    settings: [
      {
        name: 'Chemotherapy counts as completed after (days since the last dose)',
        value: String(site.lastDoseCompletedAfterDays ?? chemo.lastDoseCompletedAfterDays),
        meaning: 'With no completion recorded, a course whose last cytotoxic dose is at least this old, with nothing active, is completed',
        source:
          site.lastDoseCompletedAfterDays === undefined ? `variant default (${chemo.source})` : 'site setting CHEMO_COMPLETED_AFTER_DAYS',
      },
      {
        name: 'Longest time since the end of chemotherapy (days)',
        value: String(site.maxDaysSinceEnd ?? chemo.maxDaysSinceEnd),
        meaning: 'Beyond it the pre-surgical restaging question of the variant is no longer the one asked: no card',
        source: site.maxDaysSinceEnd === undefined ? 'variant default' : 'site setting CHEMO_MAX_DAYS_SINCE_END',
      },
      {
        name: 'Window around the diagnosis (days)',
        value: String(chemo.unrelatedBeforeDiagnosisDays),
        meaning: 'Treatment, surgery and findings dated more than this before the diagnosis belong to an earlier cancer',
        source: 'variant file criteria.chemotherapy',
      },
      {
        name: 'Size threshold (mm, exclusive)',
        value: String(variant.criteria.initialSize.minimumLongestDimensionMmExclusive),
        meaning: 'A pre-treatment tumour larger than this is "greater than 2 cm"',
        source: variant.criteria.initialSize.source,
      },
      {
        name: 'Insufficient-data cards',
        value: site.insufficientDataCards ? 'on' : 'off',
        meaning: 'Whether a patient the record neither confirms nor excludes gets an info card naming what is missing',
        source: 'site setting INSUFFICIENT_DATA_CARDS',
      },
      {
        name: 'Breast studies card indicator',
        value: site.breastStudyIndicator,
        meaning: 'auto: mammography and DBT cards are info unless the order is for the axilla; info: always info',
        source: 'site setting BREAST_STUDY_CARD_INDICATOR',
      },
      {
        name: 'Silent services',
        value: silent === '*' ? 'all' : silent.length ? silent.join(', ') : 'none',
        meaning: 'Evaluated and audited, but answer no cards',
        source: 'site setting SILENT_SERVICES',
      },
      {
        name: 'Audit retention (days)',
        value: String(config.governance.auditRetentionDays),
        meaning: 'Audit rows and feedback older than this are deleted',
        source: 'site setting AUDIT_RETENTION_DAYS',
      },
    ],
    valueSets: knowledge.valueSetIds().map((id) => {
      const file = knowledge.valueSet(id).file;
      return {
        id,
        version: file.version,
        title: file.title,
        description: file.description,
        codes: file.codes.map((c) => ({
          system: c.system,
          code: c.code,
          display: c.display,
          meaning: c.meaning,
          source: c.source,
          verification: c.verification,
        })),
        prefixes: (file.prefixes ?? []).map((p) => ({
          system: p.system,
          prefix: p.prefix,
          display: p.display,
          meaning: p.meaning,
          source: p.source,
          verification: p.verification,
        })),
      };
    }),
    textPatterns: knowledge.textPatternNames().map((name) => {
      const d = knowledge.text(name).definition;
      return { name, description: d.description, match: d.match, unless: d.unless ?? [], source: d.source };
    }),
    cards: knowledge.cardKinds().map((kind) => {
      const card = knowledge.card(kind);
      return {
        kind,
        indicator: card.indicator + (card.axillaTarget ? ` (${card.axillaTarget.indicator} when the order is for the axilla)` : ''),
        summary: card.summary,
        detail: [...card.detail, ...Object.values(card.notes ?? {})],
        suggestions: (card.suggestions ?? []).map((s) => s.label),
        overrideReasons: (card.overrideReasons ?? []).map((r) => r.display),
      };
    }),
    caveats: variant.caveats ?? [],
    names: {
      procedures: Object.fromEntries(knowledge.procedureKeys().map((key) => [key, knowledge.procedure(key).name])),
      missingFacts: Object.fromEntries(Object.entries(knowledge.wording.missing).map(([key, words]) => [key, words.short])),
    },
  };
}
