import { acceptedAudiences } from './audiences';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { Store } from '../store/store';
import { KeysUnavailable } from './remote-jwks';
import type { TrustStore } from './trust';

export interface VerifiedClient {
  issuer: string;
  /** The client profile its trust entry names (`generic` when none). */
  profile: string;
  tenant?: string;
  /** The trust entry's FHIR servers, when it restricts them. */
  fhirServers?: string[];
}

/** A refused token. `reason` is for the log only: the caller answers 401 with no detail. */
export class JwtRefused extends Error {
  constructor(
    readonly reason: string,
    readonly issuer?: string,
  ) {
    super(reason);
    this.name = 'JwtRefused';
  }
}

/** The replay cache could not be reached: the call cannot be checked, so it is not answered (503). */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export interface VerifyOptions {
  trust: TrustStore;
  store: Store;
  /** Seconds of clock difference tolerated on exp, iat and nbf. */
  clockToleranceSeconds: number;
  /** Oldest accepted `iat`, in seconds: bounds how long a jti must be remembered. */
  maxTokenAgeSeconds: number;
  /** Production accepts only the configured public URL as `aud`; development also its loopback aliases. */
  production?: boolean;
}

/**
 * Verifies the JWT a CDS client sends with every call (CDS Hooks 2.0 §Trusting CDS Clients):
 * a trusted `iss`, an allowed asymmetric `alg`, the signature with the key its `kid` names,
 * `aud` equal to the URL called (or an audience configured for that issuer), `exp`, `iat`,
 * `nbf`, an allowed `tenant`, and a `jti` never seen before.
 *
 * @example
 * const client = await verifyCdsJwt(token, 'https://cds.example.org/cds-services/axilla-imaging-order-select', options);
 * client.issuer // "https://ehr.example.org"
 *
 * @throws JwtRefused with the reason, for the log.
 * @throws KeysUnavailable when the issuer's JWKS cannot be fetched and no held key set has the `kid`.
 * @throws StoreUnavailable when the replay cache cannot be reached.
 */
export async function verifyCdsJwt(token: string, audience: string, options: VerifyOptions): Promise<VerifiedClient> {
  let iss: unknown;
  let jku: unknown;
  let kid: unknown;
  try {
    iss = decodeJwt(token).iss;
    ({ jku, kid } = decodeProtectedHeader(token));
  } catch {
    throw new JwtRefused('not a JWT');
  }
  if (typeof iss !== 'string') throw new JwtRefused('no iss claim');
  if (typeof kid !== 'string' || kid === '') throw new JwtRefused('no kid header', iss);
  const trusted = options.trust.get(iss);
  if (!trusted) throw new JwtRefused('issuer not trusted', iss);

  // A jku is followed only when this issuer allowlists that exact URL; otherwise the configured keys decide.
  const keys = typeof jku === 'string' && trusted.jku.has(jku) ? (trusted.jku.get(jku) as typeof trusted.keys) : trusted.keys;
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: iss,
      audience: [...acceptedAudiences(audience, options.production ?? true), ...trusted.audiences],
      algorithms: trusted.algorithms,
      clockTolerance: options.clockToleranceSeconds,
      maxTokenAge: options.maxTokenAgeSeconds,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
      typ: 'JWT',
    }));
  } catch (error) {
    if (error instanceof KeysUnavailable) throw error;
    throw new JwtRefused(describe(error), iss);
  }

  const tenant = typeof payload.tenant === 'string' ? payload.tenant : undefined;
  if (trusted.issuer.tenants && (!tenant || !trusted.issuer.tenants.includes(tenant))) throw new JwtRefused('tenant not allowed', iss);
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256 || payload.jti.includes('\u0000'))
    throw new JwtRefused('jti missing or malformed', iss);
  // Remember the jti as long as the token could be accepted: until exp, but never past iat + the maximum age.
  const acceptableUntil = Math.min(payload.exp as number, (payload.iat as number) + options.maxTokenAgeSeconds);
  let remembered: boolean;
  try {
    remembered = await options.store.rememberJti(iss, payload.jti, Math.ceil(acceptableUntil) + options.clockToleranceSeconds);
  } catch (error) {
    throw new StoreUnavailable((error as Error).message);
  }
  if (!remembered) throw new JwtRefused('jti replayed', iss);
  return {
    issuer: iss,
    profile: trusted.issuer.profile ?? 'generic',
    ...(tenant ? { tenant } : {}),
    ...(trusted.issuer.fhirServers ? { fhirServers: trusted.issuer.fhirServers } : {}),
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} invalid (${error.reason})`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the kid';
  if (error instanceof errors.JWKSTimeout) return 'JWKS fetch timed out';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ') return 'typ is not JWT';
  if (error instanceof errors.JOSEError) return `${error.code}`;
  return 'token could not be verified';
}
