import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { REPO_ROOT } from '../../src/paths';

const dir = path.join(REPO_ROOT, 'config', 'examples');

describe('example trust files in config/examples', () => {
  it.each(fs.readdirSync(dir).filter((f) => f.startsWith('trusted-issuers.') && !f.includes('sandbox')))(
    '%s is a valid production trust file',
    (file) => {
      const { config } = loadConfig({
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'https://cds.example.org',
        DATABASE_URL: 'postgres://db/cds',
        CDS_TRUSTED_ISSUERS: path.join(dir, file),
      });
      expect(config.security.trustedIssuers.length).toBeGreaterThan(0);
      expect(config.security.trustSource).toBe('file');
    },
  );

  const production = (file: string) => ({
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'https://cds.example.org',
    DATABASE_URL: 'postgres://db/cds',
    CDS_TRUSTED_ISSUERS: file,
  });

  it('the development trust file is refused in production', () => {
    expect(() => loadConfig(production(path.join(REPO_ROOT, 'config', 'trusted-issuers.development.json')))).toThrow(
      /public test key .* never in production/,
    );
  });

  it('the sandbox example works on a test deployment, and is refused in production (its private key is public)', () => {
    const file = path.join(dir, 'trusted-issuers.cds-hooks-sandbox.json');
    expect(loadConfig({ NODE_ENV: 'development', CDS_TRUSTED_ISSUERS: file }).config.security.trustedIssuers[0].iss).toBe(
      'https://sandbox.cds-hooks.org',
    );
    expect(() => loadConfig(production(file))).toThrow(/https:\/\/sandbox\.cds-hooks\.org.*public test key/);
  });

  it('a public test key under another issuer name is still refused in production', () => {
    const dev = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config', 'trusted-issuers.development.json'), 'utf8'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-renamed-')), 'trust.json');
    fs.writeFileSync(file, JSON.stringify([{ iss: 'https://ehr.example.org', jwks: dev[1].jwks }]));
    expect(() => loadConfig(production(file))).toThrow(/public test key/);
  });

  it('the development trust is not used when PUBLIC_BASE_URL is not loopback', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://cds.example.org' })).toThrow(
      /CDS_TRUSTED_ISSUERS is required when PUBLIC_BASE_URL/,
    );
  });

  it('without a trust file outside production, the development issuers are trusted with a loud warning', () => {
    const { config, warnings } = loadConfig({});
    expect(config.security.trustSource).toBe('development');
    expect(config.security.trustedIssuers.map((i) => [i.iss, i.profile ?? 'generic'])).toEqual([
      ['https://sandbox.cds-hooks.org', 'cds-hooks-sandbox'],
      ['urn:axilla-cds:development', 'generic'],
      ['urn:axilla-cds:development:epic', 'epic'],
      ['urn:axilla-cds:development:oracle-health', 'oracle-health'],
      ['urn:axilla-cds:development:cds-hooks-sandbox', 'cds-hooks-sandbox'],
    ]);
    expect(warnings.join()).toMatch(/FOR TESTING ONLY/);
  });
});
