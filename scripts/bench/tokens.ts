/**
 * The benchmark's EHRs: one RS384 and one ES384 issuer with their own key pairs, trusted through a temporary
 * trust file (production rules: inline public keys, `fhirServers` naming the stub's bases), and their tokens.
 * Each hook call needs its own token (a `jti` is accepted once), so tokens are signed before a run starts,
 * with node:crypto directly (about 0.3 ms for RS384, 0.7 ms for ES384 on one core).
 */
import crypto from 'node:crypto';

export type Alg = 'RS384' | 'ES384';

interface Issuer {
  iss: string;
  kid: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

const ISSUERS: Record<Alg, Issuer> = {
  RS384: { iss: 'https://bench-rs384.example', kid: 'bench-rs384-1', ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  ES384: { iss: 'https://bench-es384.example', kid: 'bench-es384-1', ...crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
};

/** Trust file entries for both bench issuers, each allowed to send the service only to `fhirServers`. */
export function trustEntries(fhirServers: string[]): object[] {
  return (Object.keys(ISSUERS) as Alg[]).map((alg) => {
    const { iss, kid, publicKey } = ISSUERS[alg];
    return {
      iss,
      description: `npm run bench (${alg})`,
      jwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid, alg, use: 'sig' }] },
      algorithms: [alg],
      fhirServers,
    };
  });
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** One compact JWS, valid for `ttlSeconds`, with a fresh `jti`. */
export function signToken(alg: Alg, audience: string, ttlSeconds = 900): string {
  const { iss, kid, privateKey } = ISSUERS[alg];
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg, typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify({ iss, aud: audience, iat: now, exp: now + ttlSeconds, jti: crypto.randomUUID() }));
  const input = `${header}.${payload}`;
  const signature = crypto.sign(
    'sha384',
    Buffer.from(input),
    alg === 'ES384' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
  );
  return `${input}.${b64url(signature)}`;
}

/**
 * A pool of pre-signed tokens handed out once each; when it runs dry, tokens are signed on demand
 * (counted in `signedDuringLoad`, since that costs the load generator time).
 */
export class TokenPool {
  private readonly tokens: string[] = [];
  private next = 0;
  signedDuringLoad = 0;

  constructor(
    readonly alg: Alg,
    readonly audience: string,
    readonly ttlSeconds = 900,
  ) {}

  fill(count: number): this {
    const missing = Math.max(0, Math.min(count, 500_000) - (this.tokens.length - this.next));
    for (let i = 0; i < missing; i++) this.tokens.push(signToken(this.alg, this.audience, this.ttlSeconds));
    return this;
  }

  take(): string {
    if (this.next < this.tokens.length) {
      const token = this.tokens[this.next];
      this.tokens[this.next++] = '';
      return token;
    }
    this.signedDuringLoad += 1;
    return signToken(this.alg, this.audience, this.ttlSeconds);
  }

  /** Drops the tokens already used, so a long run does not keep them all. */
  compact(): void {
    this.tokens.splice(0, this.next);
    this.next = 0;
  }
}
