import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { REPO_ROOT } from '../../src/paths';

const dir = path.join(REPO_ROOT, 'config', 'examples');

describe('example trust files in config/examples', () => {
  it.each(fs.readdirSync(dir).filter((f) => f.startsWith('trusted-issuers.')))('%s is a valid production trust file', (file) => {
    const { config } = loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://cds.example.org', DATABASE_URL: 'postgres://db/cds', CDS_TRUSTED_ISSUERS: path.join(dir, file) });
    expect(config.security.trustedIssuers.length).toBeGreaterThan(0);
    expect(config.security.trustSource).toBe('file');
  });

  it('the development trust file is refused in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://cds.example.org', DATABASE_URL: 'postgres://db/cds', CDS_TRUSTED_ISSUERS: path.join(REPO_ROOT, 'config', 'trusted-issuers.development.json') })).toThrow(
      /never trusted in production/,
    );
  });

  it('without a trust file outside production, the development issuers are trusted with a loud warning', () => {
    const { config, warnings } = loadConfig({});
    expect(config.security.trustSource).toBe('development');
    expect(config.security.trustedIssuers.map((i) => i.iss)).toEqual(['https://sandbox.cds-hooks.org', 'urn:axilla-cds:development']);
    expect(warnings.join()).toMatch(/FOR TESTING ONLY/);
  });
});
