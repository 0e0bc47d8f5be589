/**
 * npm run token [-- <path or URL>]: prints a CDS client JWT for curl, signed with the development
 * key pair in config/development/ (issuer urn:axilla-cds:development, ES384, 5 minutes, fresh jti).
 * The service trusts it only without CDS_TRUSTED_ISSUERS and outside production.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token)" localhost:3000/cds-services
 *   curl -H "Authorization: Bearer $(npm run -s token -- /cds-services/axilla-imaging-order-select)" ...
 *
 * The audience is PUBLIC_BASE_URL + the path, and PUBLIC_BASE_URL defaults to http://localhost:$PORT (PORT default 3000),
 * exactly as the service builds it: give the token the same PORT and PUBLIC_BASE_URL as the service, or it is refused.
 *
 *   PORT=4000 npm start
 *   curl -H "Authorization: Bearer $(PORT=4000 npm run -s token)" localhost:4000/cds-services
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';

const KEY_FILE = path.resolve(__dirname, '..', 'config', 'development', 'signing-key.private.jwk.json');
export const DEVELOPMENT_ISSUER = 'urn:axilla-cds:development';

export async function developmentToken(audience: string, lifetimeSeconds = 300): Promise<string> {
  return signDevelopmentToken({ audience, lifetimeSeconds });
}

export interface DevelopmentTokenOptions {
  /** The exact URL called (CDS Hooks: `aud` is the discovery, service or feedback URL). */
  audience: string;
  /** Default DEVELOPMENT_ISSUER; the EHR simulator signs as `urn:axilla-cds:development:<profile>`. */
  issuer?: string;
  lifetimeSeconds?: number;
}

/** A CDS client JWT signed with the development key pair (ES384, fresh jti), for any development issuer. */
export async function signDevelopmentToken(options: DevelopmentTokenOptions): Promise<string> {
  const jwk = JSON.parse(fs.readFileSync(KEY_FILE, 'utf8')) as JWK & { kid: string };
  const key = await importJWK(jwk, 'ES384');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: jwk.kid })
    .setIssuer(options.issuer ?? DEVELOPMENT_ISSUER)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 300))
    .sign(key);
}

/** The `aud` the service expects for `target` (a path, or a whole URL), from PORT and PUBLIC_BASE_URL as src/config reads them. */
export function developmentAudience(target: string, env: NodeJS.ProcessEnv = process.env): string {
  if (/^https?:\/\//.test(target)) return target;
  const base = (env.PUBLIC_BASE_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
  return `${base}${target.startsWith('/') ? '' : '/'}${target}`;
}

if (require.main === module) {
  developmentToken(developmentAudience(process.argv[2] ?? '/cds-services')).then((token) => process.stdout.write(`${token}\n`));
}
