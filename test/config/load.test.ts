import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const EC_PUBLIC = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;

function trustFile(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-trust-')), 'trust.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadConfig', () => {
  it('has embedded defaults for a first run', () => {
    const { config, warnings } = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      databaseUrl: 'sqlite:./data/axilla-cds.db',
      bodyLimitBytes: 5 * 1024 * 1024,
      nodeEnv: 'development',
    });
    expect(warnings.join()).toMatch(/CDS_TRUSTED_ISSUERS is not set/);
  });

  it('derives PUBLIC_BASE_URL from PORT and drops a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).config.publicBaseUrl).toBe('http://localhost:8080');
    expect(
      loadConfig({ PUBLIC_BASE_URL: 'https://cds.example.org/', CDS_TRUSTED_ISSUERS: 'config/examples/trusted-issuers.epic.json' }).config
        .publicBaseUrl,
    ).toBe('https://cds.example.org');
  });

  it('requires PUBLIC_BASE_URL, CDS_TRUSTED_ISSUERS and DATABASE_URL in production, and only those', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PUBLIC_BASE_URL.*\n.*CDS_TRUSTED_ISSUERS.*\n.*DATABASE_URL/);
    const file = trustFile([
      { iss: 'https://ehr.example.org', jwksUrl: 'https://ehr.example.org/jwks.json', fhirServers: ['https://ehr.example.org/fhir/R4'] },
    ]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'https://cds.example.org',
        CDS_TRUSTED_ISSUERS: file,
        DATABASE_URL: 'postgres://db/cds',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ PUBLIC_BASE_URL: 'cds.example.org' }, /PUBLIC_BASE_URL .* is not an absolute URL/],
    [{ PUBLIC_BASE_URL: 'http://cds.example.org' }, /http:\/\/ for a host that is not loopback/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with/],
    [{ BODY_LIMIT: 'lots' }, /BODY_LIMIT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SITE_ORDER_CODES: '/nonexistent/codes.json' }, /SITE_ORDER_CODES/],
    [{ CDS_TRUSTED_ISSUERS: '/nonexistent/trust.json' }, /does not exist/],
    [{ CHEMO_COMPLETED_AFTER_DAYS: '0' }, /CHEMO_COMPLETED_AFTER_DAYS must be a whole number of days/],
    [{ CHEMO_MAX_DAYS_SINCE_END: 'soon' }, /CHEMO_MAX_DAYS_SINCE_END/],
    [{ INSUFFICIENT_DATA_CARDS: 'maybe' }, /INSUFFICIENT_DATA_CARDS must be one of on, off/],
    [{ BREAST_STUDY_CARD_INDICATOR: 'warning' }, /BREAST_STUDY_CARD_INDICATOR must be one of auto, info/],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env).join('\n')).toMatch(message);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ PORT: 'x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toHaveLength(3);
  });

  it('reads the site settings of the clinical engine, leaving thresholds to the variant by default', () => {
    expect(loadConfig({}).config.fhir).toEqual({
      readTimeoutMs: 2000,
      maxPages: 5,
      maxMedicationReads: 20,
      budgetMs: 2500,
      maxResponseBytes: 20 * 1024 * 1024,
      maxCallBytes: 50 * 1024 * 1024,
    });
    expect(loadConfig({}).config.site).toEqual({
      lastDoseCompletedAfterDays: undefined,
      maxDaysSinceEnd: undefined,
      insufficientDataCards: true,
      breastStudyIndicator: 'auto',
    });
    expect(
      loadConfig({
        CHEMO_COMPLETED_AFTER_DAYS: '28',
        CHEMO_MAX_DAYS_SINCE_END: '90',
        INSUFFICIENT_DATA_CARDS: 'off',
        BREAST_STUDY_CARD_INDICATOR: 'info',
      }).config.site,
    ).toEqual({
      lastDoseCompletedAfterDays: 28,
      maxDaysSinceEnd: 90,
      insufficientDataCards: false,
      breastStudyIndicator: 'info',
    });
  });

  it('parses BODY_LIMIT sizes', () => {
    expect(loadConfig({ BODY_LIMIT: '512kb' }).config.bodyLimitBytes).toBe(512 * 1024);
    expect(loadConfig({ BODY_LIMIT: '1048576' }).config.bodyLimitBytes).toBe(1048576);
  });

  describe('CDS_TRUSTED_ISSUERS', () => {
    it('loads a valid file with jwksUrl or inline jwks', () => {
      const file = trustFile([
        { iss: 'https://ehr.example.org', jwksUrl: 'https://ehr.example.org/jwks.json', audiences: ['https://x/y'] },
        { iss: 'https://other.example', jwks: { keys: [{ ...EC_PUBLIC, kid: 'k1' }] } },
      ]);
      expect(loadConfig({ CDS_TRUSTED_ISSUERS: file }).config.security.trustedIssuers).toHaveLength(2);
    });

    it('accepts http:// JWKS URLs on loopback hosts, in production too', () => {
      const file = trustFile([{ iss: 'http://127.0.0.1:9999', jwksUrl: 'http://127.0.0.1:9999/jwks.json', anyFhirServer: true }]);
      expect(
        problemsOf({
          NODE_ENV: 'production',
          PUBLIC_BASE_URL: 'https://cds.example.org',
          DATABASE_URL: 'sqlite:/tmp/x.db',
          CDS_TRUSTED_ISSUERS: file,
        }),
      ).toEqual([]);
    });

    it.each([
      ['not JSON', '{ nope', /not valid JSON/],
      ['an object instead of an array', { iss: 'https://x', jwksUrl: 'https://x/j' }, /top level must be array/],
      ['an empty array', [], /top level/],
      ['an entry with neither jwksUrl nor jwks', [{ iss: 'https://x' }], /\[0\]/],
      ['an entry with both jwksUrl and jwks', [{ iss: 'https://x', jwksUrl: 'https://x/j', jwks: { keys: [{ kty: 'EC' }] } }], /\[0\]/],
      ['a symmetric algorithm', [{ iss: 'https://x', jwksUrl: 'https://x/j', algorithms: ['HS256'] }], /\[0\]\.algorithms\[0\]/],
      [
        'an http:// JWKS URL off loopback',
        [{ iss: 'https://x', jwksUrl: 'http://ehr.example.org/jwks' }],
        /\[0\]\.jwksUrl .* not loopback/,
      ],
      [
        'a duplicate issuer',
        [
          { iss: 'https://x', jwksUrl: 'https://x/j' },
          { iss: 'https://x', jwksUrl: 'https://x/k' },
        ],
        /listed twice/,
      ],
      [
        'a symmetric inline key',
        [{ iss: 'https://x', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'a' }] } }],
        /must be an asymmetric key/,
      ],
      ['a private inline key', [{ iss: 'https://x', jwks: { keys: [{ ...EC_PUBLIC, d: 'AA', kid: 'a' }] } }], /is a private key/],
      ['an inline key without kid', [{ iss: 'https://x', jwks: { keys: [EC_PUBLIC] } }], /has no kid/],
      [
        'an inline key that is not a key',
        [{ iss: 'https://x', jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA', kid: 'a' }] } }],
        /not a usable public key/,
      ],
    ])('refuses %s', (_name, content, message) => {
      expect(problemsOf({ CDS_TRUSTED_ISSUERS: trustFile(content) }).join('\n')).toMatch(message);
    });
  });
});
