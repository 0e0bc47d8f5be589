import crypto from 'node:crypto';
import fs from 'node:fs';
import { DEFAULT_PROFILE, loadProfiles, type ClientProfile } from './profiles';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { describeSchemaError, validator } from '../schemas';
import { parseByteSize } from './bytes';
import { isLoopbackHost, serverUrlProblem } from './urls';

export type NodeEnv = 'production' | 'development' | 'test';

export interface TrustedIssuer {
  iss: string;
  description?: string;
  jwksUrl?: string;
  jwks?: { keys: Record<string, unknown>[] };
  audiences?: string[];
  tenants?: string[];
  algorithms?: string[];
  jkuAllowlist?: string[];
  fhirServers?: string[];
  /** The client profile (config/profiles/<name>.json); `generic` when not given. */
  profile?: string;
  /** In production without `fhirServers`: any https FHIR server, but never a loopback, private, link-local or metadata address. */
  anyFhirServer?: boolean;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  /** Base URL the EHR calls, without a trailing slash; JWT `aud` values are built from it. */
  publicBaseUrl: string;
  trustedIssuersFile?: string;
  databaseUrl: string;
  bodyLimitBytes: number;
  /** A site's own orderable codes mapped to procedure keys, or undefined for none. */
  siteOrderCodesFile?: string;
  logLevel: string;
  site: SiteSettings;
  fhir: FhirLimits;
  security: SecuritySettings;
  governance: GovernanceSettings;
  /** Client profiles by name (config/profiles/); each trusted issuer names one, or gets `generic`. */
  profiles: Map<string, ClientProfile>;
  metrics: MetricsSettings;
}

/** The audit trail, silent mode and the governance report (issue 9). */
export interface GovernanceSettings {
  /** Services that evaluate and audit every call but answer no cards: service ids, or '*' for all. */
  silentServices: string[] | '*';
  /** Key of the keyed hashes of patient, encounter and order ids; undefined: generated once and kept in the store. */
  auditHmacKey?: string;
  auditRetentionDays: number;
  auditQueueMax: number;
  auditFlushMs: number;
  /** Credential for GET /governance (Bearer, or Basic with it as password); undefined: the endpoint answers 404. */
  governanceToken?: string;
}

/** GET /metrics (Prometheus): off (404), open to any caller (for an internal scraper), or behind its own Bearer token. */
export interface MetricsSettings {
  mode: 'off' | 'open' | 'token';
  token?: string;
}

export interface SecuritySettings {
  /** Where the trusted issuers came from: the CDS_TRUSTED_ISSUERS file, or the development defaults. */
  trustSource: 'file' | 'development';
  trustedIssuers: TrustedIssuer[];
  clockToleranceSeconds: number;
  maxTokenAgeSeconds: number;
  jwksTimeoutMs: number;
  /** A remote JWKS is fetched again at most this often, even for an unknown kid. */
  jwksCooldownMs: number;
  /** A cached remote JWKS is fetched again once it is this old. */
  jwksRefreshSeconds: number;
  /** While its endpoint fails, a remote JWKS past the refresh age is still used this long, then dropped. */
  jwksGraceHours: number;
  /** `*` (any origin, never with credentials) or an allowlist. */
  corsOrigins: '*' | string[];
  /** Requests per minute per issuer; undefined: no limit. */
  rateLimitPerMinute?: number;
}

/** Trusted in development only: the CDS Hooks sandbox's published key and this repo's development key. */
export const DEVELOPMENT_TRUST_FILE = path.join(REPO_ROOT, 'config', 'trusted-issuers.development.json');
/** The issuer of the development key pair in config/development/: refused in production. */
export const DEVELOPMENT_ISSUER = 'urn:axilla-cds:development';

/** Bounds on reading the record from the EHR's FHIR server when prefetch lacks it. */
export interface FhirLimits {
  readTimeoutMs: number;
  maxPages: number;
  maxMedicationReads: number;
  budgetMs: number;
  /** One FHIR response at most (Content-Length, or bytes read). */
  maxResponseBytes: number;
  /** All FHIR responses of one hook call together. */
  maxCallBytes: number;
}

/** A site's tuning of the clinical engine; undefined thresholds take the variant's defaults. */
export interface SiteSettings {
  lastDoseCompletedAfterDays?: number;
  maxDaysSinceEnd?: number;
  insufficientDataCards: boolean;
  breastStudyIndicator: 'auto' | 'info';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`axilla-cds cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_BODY_LIMIT = '5mb';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the environment once at start.
 *
 * @example
 * const { config, warnings } = loadConfig(process.env);
 *
 * @throws ConfigError listing every problem found, not only the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv): { config: Config; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];

  const nodeEnv = readNodeEnv(env.NODE_ENV, problems);
  const production = nodeEnv === 'production';

  const port = readPort(env.PORT, problems);

  if (production) {
    for (const name of ['PUBLIC_BASE_URL', 'CDS_TRUSTED_ISSUERS', 'DATABASE_URL']) {
      if (!env[name]) problems.push(`${name} is required when NODE_ENV=production`);
    }
  }

  const publicBaseUrl = (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const baseProblem = serverUrlProblem(publicBaseUrl);
  if (baseProblem) problems.push(`PUBLIC_BASE_URL (${publicBaseUrl}) ${baseProblem}`);

  let trustedIssuers: TrustedIssuer[] | undefined;
  const trustedIssuersFile = env.CDS_TRUSTED_ISSUERS || undefined;
  if (trustedIssuersFile) {
    trustedIssuers = readTrustedIssuers(trustedIssuersFile, problems);
    if (production && trustedIssuers) refusePublicTestKeys(trustedIssuersFile, trustedIssuers, problems);
  } else if (!production && !isLoopbackHost(new URL(publicBaseUrl.startsWith('http') ? publicBaseUrl : 'http://invalid').hostname)) {
    problems.push(
      `CDS_TRUSTED_ISSUERS is required when PUBLIC_BASE_URL (${publicBaseUrl}) is not a loopback address: the development trust (public test keys) serves local runs only`,
    );
  } else if (!production) {
    trustedIssuers = readTrustedIssuers(DEVELOPMENT_TRUST_FILE, problems);
    warnings.push(
      "CDS_TRUSTED_ISSUERS is not set: trusting the DEVELOPMENT issuers only (the public CDS Hooks sandbox key and this repository's development key). FOR TESTING ONLY: anyone can sign such tokens. Set CDS_TRUSTED_ISSUERS for real EHRs.",
    );
  }

  if (production) {
    for (const issuer of trustedIssuers ?? []) {
      if (!issuer.fhirServers?.length && issuer.anyFhirServer !== true) {
        problems.push(
          `CDS_TRUSTED_ISSUERS: issuer ${issuer.iss} must list its fhirServers in production (or set "anyFhirServer": true, and then loopback, private, link-local and metadata addresses are refused)`,
        );
      }
    }
  }
  const profiles = loadProfiles(problems);
  for (const issuer of trustedIssuers ?? []) {
    const profile = profiles.get(issuer.profile ?? DEFAULT_PROFILE);
    if (!profile)
      problems.push(
        `CDS_TRUSTED_ISSUERS: issuer ${issuer.iss} names profile "${issuer.profile}", which is not in config/profiles/ (${[...profiles.keys()].join(', ')})`,
      );
    else if (!issuer.algorithms && profile.algorithms) issuer.algorithms = profile.algorithms;
  }

  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/axilla-cds.db';
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    problems.push(
      `DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got a value starting "${databaseUrl.slice(0, 12)}")`,
    );
  }

  const bodyLimitText = env.BODY_LIMIT || DEFAULT_BODY_LIMIT;
  const bodyLimitBytes = parseByteSize(bodyLimitText);
  if (bodyLimitBytes === undefined) problems.push(`BODY_LIMIT must be a size such as 5mb, 512kb or 1048576 (got "${bodyLimitText}")`);

  const siteOrderCodesFile = env.SITE_ORDER_CODES || undefined;
  if (siteOrderCodesFile && !fs.existsSync(resolvePath(siteOrderCodesFile))) {
    problems.push(`SITE_ORDER_CODES names ${siteOrderCodesFile}, which does not exist`);
  }

  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const site: SiteSettings = {
    lastDoseCompletedAfterDays: readDays(env, 'CHEMO_COMPLETED_AFTER_DAYS', problems),
    maxDaysSinceEnd: readDays(env, 'CHEMO_MAX_DAYS_SINCE_END', problems),
    insufficientDataCards: readChoice(env, 'INSUFFICIENT_DATA_CARDS', ['on', 'off'], 'on', problems) === 'on',
    breastStudyIndicator: readChoice(env, 'BREAST_STUDY_CARD_INDICATOR', ['auto', 'info'], 'auto', problems) as 'auto' | 'info',
  };

  const fhir: FhirLimits = {
    readTimeoutMs: readInteger(env, 'FHIR_READ_TIMEOUT_MS', 2000, 50, 60000, problems),
    maxPages: readInteger(env, 'FHIR_MAX_PAGES', 5, 1, 100, problems),
    maxMedicationReads: readInteger(env, 'FHIR_MAX_MEDICATION_READS', 20, 0, 500, problems),
    budgetMs: readInteger(env, 'HOOK_BUDGET_MS', 2500, 100, 60000, problems),
    maxResponseBytes: readBytes(env, 'FHIR_MAX_RESPONSE_BYTES', '20mb', problems),
    maxCallBytes: readBytes(env, 'FHIR_MAX_CALL_BYTES', '50mb', problems),
  };

  const corsText = env.CORS_ORIGINS || '*';
  const corsOrigins =
    corsText.trim() === '*'
      ? ('*' as const)
      : corsText
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
  if (corsOrigins !== '*') {
    for (const origin of corsOrigins)
      if (!/^https?:\/\/[^/]+$/.test(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`);
  }
  const rateLimit = env.RATE_LIMIT_PER_MINUTE ? readInteger(env, 'RATE_LIMIT_PER_MINUTE', 0, 1, 1_000_000, problems) : undefined;
  const security: SecuritySettings = {
    trustSource: trustedIssuersFile ? 'file' : 'development',
    trustedIssuers: trustedIssuers ?? [],
    clockToleranceSeconds: readInteger(env, 'JWT_CLOCK_SKEW_S', 60, 0, 600, problems),
    maxTokenAgeSeconds: readInteger(env, 'JWT_MAX_AGE_S', 3600, 60, 86400, problems),
    jwksTimeoutMs: readInteger(env, 'JWKS_TIMEOUT_MS', 2000, 100, 30000, problems),
    jwksCooldownMs: readInteger(env, 'JWKS_COOLDOWN_MS', 30000, 0, 3_600_000, problems),
    jwksRefreshSeconds: readInteger(env, 'JWKS_REFRESH_S', 600, 1, 86400, problems),
    jwksGraceHours: readInteger(env, 'JWKS_GRACE_H', 24, 0, 720, problems),
    corsOrigins,
    rateLimitPerMinute: rateLimit,
  };

  const silentText = (env.SILENT_SERVICES ?? '').trim();
  const auditHmacKey = env.AUDIT_HMAC_KEY || undefined;
  if (auditHmacKey && auditHmacKey.length < 32)
    problems.push(
      'AUDIT_HMAC_KEY must be at least 32 characters (a random secret; leave it unset to have one generated and kept in the store)',
    );
  const governanceToken = env.GOVERNANCE_TOKEN || undefined;
  if (governanceToken && governanceToken.length < 24) problems.push('GOVERNANCE_TOKEN must be at least 24 characters (a random secret)');
  const governance: GovernanceSettings = {
    silentServices:
      silentText === '*'
        ? '*'
        : silentText
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    auditHmacKey,
    auditRetentionDays: readInteger(env, 'AUDIT_RETENTION_DAYS', 400, 1, 36500, problems),
    auditQueueMax: readInteger(env, 'AUDIT_QUEUE_MAX', 10000, 1, 1_000_000, problems),
    auditFlushMs: readInteger(env, 'AUDIT_FLUSH_MS', 1000, 1, 60000, problems),
    governanceToken,
  };

  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken && metricsToken.length < 24) problems.push('METRICS_TOKEN must be at least 24 characters (a random secret)');
  const metricsMode = readChoice(
    env,
    'METRICS',
    ['off', 'open', 'token'],
    metricsToken ? 'token' : 'off',
    problems,
  ) as MetricsSettings['mode'];
  if (metricsMode === 'token' && !metricsToken) problems.push('METRICS=token needs METRICS_TOKEN');
  const metrics: MetricsSettings = { mode: metricsMode, ...(metricsToken ? { token: metricsToken } : {}) };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    config: {
      nodeEnv,
      port,
      publicBaseUrl,
      trustedIssuersFile,
      databaseUrl,
      bodyLimitBytes: bodyLimitBytes as number,
      siteOrderCodesFile: siteOrderCodesFile && resolvePath(siteOrderCodesFile),
      logLevel,
      site,
      fhir,
      security,
      governance,
      profiles,
      metrics,
    },
    warnings,
  };
}

function readBytes(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): number {
  const text = env[name] || fallback;
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes < 1024) {
    problems.push(`${name} must be a size of at least 1kb, such as 20mb or 512kb (got "${text}")`);
    return parseByteSize(fallback) as number;
  }
  return bytes;
}

function readNodeEnv(value: string | undefined, problems: string[]): NodeEnv {
  if (!value) return 'development';
  if (value === 'production' || value === 'development' || value === 'test') return value;
  problems.push(`NODE_ENV must be production, development or test (got "${value}")`);
  return 'development';
}

function readPort(value: string | undefined, problems: string[]): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${value}")`);
    return 3000;
  }
  return port;
}

function readDays(env: NodeJS.ProcessEnv, name: string, problems: string[]): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    problems.push(`${name} must be a whole number of days from 1 to 3650 (got "${value}")`);
    return undefined;
  }
  return days;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return n;
}

function readChoice(env: NodeJS.ProcessEnv, name: string, choices: string[], fallback: string, problems: string[]): string {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!choices.includes(value)) problems.push(`${name} must be one of ${choices.join(', ')} (got "${value}")`);
  return value;
}

function resolvePath(file: string): string {
  return path.isAbsolute(file) ? file : path.resolve(process.cwd(), file);
}

/**
 * Keys anyone can sign with: the CDS Hooks sandbox's (its private key is published) and this repository's
 * development key. Identified by RFC 7638 thumbprint, so renaming the issuer does not smuggle them in.
 */
function publicTestKeyThumbprints(): Set<string> {
  const development = JSON.parse(fs.readFileSync(DEVELOPMENT_TRUST_FILE, 'utf8')) as TrustedIssuer[];
  return new Set(development.flatMap((i) => (i.jwks?.keys ?? []).map((k) => thumbprint(k))));
}

function thumbprint(jwk: Record<string, unknown>): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function refusePublicTestKeys(file: string, issuers: TrustedIssuer[], problems: string[]): void {
  const known = publicTestKeyThumbprints();
  issuers.forEach((issuer, i) => {
    if (issuer.iss === DEVELOPMENT_ISSUER || (issuer.jwks?.keys ?? []).some((k) => known.has(thumbprint(k)))) {
      problems.push(
        `CDS_TRUSTED_ISSUERS (${file}): [${i}] (${issuer.iss}) trusts a public test key (the CDS Hooks sandbox's or the development key), which anyone can sign with: never in production`,
      );
    }
  });
}

/** Inline keys must be public signing keys that Node can import, each with a unique kid. */
function checkInlineKeys(where: string, issuers: TrustedIssuer[], problems: string[]): void {
  issuers.forEach((issuer, i) => {
    const kids = new Set<string>();
    (issuer.jwks?.keys ?? []).forEach((key, k) => {
      const at = `${where}: [${i}].jwks.keys[${k}]`;
      if (!['EC', 'RSA', 'OKP'].includes(String(key.kty)))
        return void problems.push(`${at} must be an asymmetric key (kty EC, RSA or OKP), not ${String(key.kty)}`);
      if ('d' in key) return void problems.push(`${at} is a private key: list only public keys`);
      if (typeof key.kid !== 'string' || key.kid === '') return void problems.push(`${at} has no kid`);
      if (kids.has(key.kid)) problems.push(`${at}: kid ${key.kid} appears twice`);
      kids.add(key.kid);
      try {
        crypto.createPublicKey({ key: key as crypto.JsonWebKey, format: 'jwk' });
      } catch (error) {
        problems.push(`${at} is not a usable public key (${(error as Error).message})`);
      }
    });
  });
}

function readTrustedIssuers(file: string, problems: string[]): TrustedIssuer[] | undefined {
  const where = `CDS_TRUSTED_ISSUERS (${file})`;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(resolvePath(file), 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(code === 'ENOENT' ? `${where} does not exist` : `${where} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  const validate = validator('config/trusted-issuers.schema.json');
  if (!validate(data)) {
    const problem = describeSchemaError(validate.errors![0]);
    problems.push(`${where}: ${problem.field || 'top level'} ${problem.message}`);
    return undefined;
  }
  const issuers = data as TrustedIssuer[];
  issuers.forEach((issuer, i) => {
    for (const [field, url] of [
      ['jwksUrl', issuer.jwksUrl],
      ...(issuer.jkuAllowlist ?? []).map((u) => ['jkuAllowlist', u]),
      ...(issuer.fhirServers ?? []).map((u) => ['fhirServers', u]),
    ]) {
      const problem = url ? serverUrlProblem(url) : undefined;
      if (problem) problems.push(`${where}: [${i}].${field} (${url}) ${problem}`);
    }
  });
  checkInlineKeys(where, issuers, problems);
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (seen.has(issuer.iss)) problems.push(`${where}: issuer ${issuer.iss} is listed twice`);
    seen.add(issuer.iss);
  }
  return issuers;
}
