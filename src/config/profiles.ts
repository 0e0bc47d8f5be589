import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { describeSchemaError, validator } from '../schemas';

/** What differs between EHRs calling the same service (config/profiles/<name>.json, schema-checked at start). */
export interface ClientProfile {
  name: string;
  description: string;
  documentedBy: string;
  algorithms?: string[];
  unreadableRecord: '412' | 'info-card';
  replacement: 'delete-create' | 'update';
  systemActions: 'top-level' | 'extension';
  qcdsmConsulted?: string;
  fallbackSearches: Record<string, Record<string, string>[]>;
  links?: boolean;
}

export const DEFAULT_PROFILE = 'generic';

/** The spec's behaviour everywhere, as config/profiles/generic.json says: for callers outside a hook call. */
export const GENERIC_PROFILE: ClientProfile = {
  name: DEFAULT_PROFILE,
  description: 'CDS Hooks 2.0',
  documentedBy: 'CDS Hooks 2.0',
  unreadableRecord: '412',
  replacement: 'delete-create',
  systemActions: 'top-level',
  fallbackSearches: {},
};
const PROFILES_DIR = path.join(REPO_ROOT, 'config', 'profiles');

/**
 * Every client profile, by name, read and checked once at start.
 *
 * @example loadProfiles(problems).get('cds-hooks-sandbox')?.systemActions // 'extension'
 */
export function loadProfiles(problems: string[], dir = PROFILES_DIR): Map<string, ClientProfile> {
  const validate = validator('config/client-profile.schema.json');
  const profiles = new Map<string, ClientProfile>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const where = `config/profiles/${file}`;
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${where} is not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!validate(data)) {
      const problem = describeSchemaError(validate.errors![0]);
      problems.push(`${where}: ${problem.field || 'top level'} ${problem.message}`);
      continue;
    }
    const profile = data as ClientProfile;
    if (`${profile.name}.json` !== file) problems.push(`${where}: name is "${profile.name}" but the file is named ${file}`);
    profiles.set(profile.name, profile);
  }
  if (!profiles.has(DEFAULT_PROFILE))
    problems.push(`config/profiles/${DEFAULT_PROFILE}.json is missing: every issuer without a profile uses it`);
  return profiles;
}
