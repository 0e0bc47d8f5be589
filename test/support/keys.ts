import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';

/** Test EHRs with their own key pairs, generated per test run (never committed). */
export const ES384_ISSUER = 'https://ehr-es384.test.example';
export const RS384_ISSUER = 'https://ehr-rs384.test.example';

export const es384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
export const rs384 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ES384_KID = 'es384-test-1';
export const RS384_KID = 'rs384-test-1';

export function publicJwk(key: crypto.KeyObject, kid: string, alg: string): Record<string, unknown> {
  return { ...(key.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
}

/** A trust file naming both test issuers with inline keys (extra entries may be appended). */
export function writeTrustFile(extra: object[] = []): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-trust-')), 'trusted-issuers.json');
  fs.writeFileSync(
    file,
    JSON.stringify([
      { iss: ES384_ISSUER, jwks: { keys: [publicJwk(es384.publicKey, ES384_KID, 'ES384')] } },
      { iss: RS384_ISSUER, jwks: { keys: [publicJwk(rs384.publicKey, RS384_KID, 'RS384')] }, algorithms: ['RS384'] },
      ...extra,
    ]),
  );
  return file;
}

export const TEST_TRUST_FILE = writeTrustFile();
export const TEST_BASE_URL = 'http://localhost:3000';

export interface TokenOptions {
  alg?: 'ES384' | 'RS384';
  /** Claims to add or override (`undefined` removes one). */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  key?: crypto.KeyObject;
}

/** A CDS client JWT for `path` as an EHR signs it: iss, aud = base URL + path, iat, exp (+5 min), a fresh jti. */
export async function signToken(urlPath: string, options: TokenOptions = {}): Promise<string> {
  const alg = options.alg ?? 'ES384';
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: alg === 'ES384' ? ES384_ISSUER : RS384_ISSUER,
    aud: `${TEST_BASE_URL}${urlPath}`,
    iat: now,
    exp: now + 300,
    jti: crypto.randomUUID(),
    ...options.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const key = options.key ?? (alg === 'ES384' ? es384.privateKey : rs384.privateKey);
  const header: Record<string, unknown> = { alg, typ: 'JWT', kid: alg === 'ES384' ? ES384_KID : RS384_KID, ...options.header };
  for (const [k, v] of Object.entries(header)) if (v === undefined) delete header[k];
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

export async function bearer(urlPath: string, options?: TokenOptions): Promise<string> {
  return `Bearer ${await signToken(urlPath, options)}`;
}
