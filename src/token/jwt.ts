// Compact JWS with HS256, the only form a LiveKit server accepts. Internal: the public
// surface is AccessToken (signing) and TokenVerifier (verifying).
import { runtime } from '#runtime';
import { TokenVerificationError } from './errors.js';
import { formatValue } from './grants.js';
import { stringifyJson } from './serialize.js';

/** base64url of `{"alg":"HS256","typ":"JWT"}`, precomputed: every token starts with it. */
const HEADER_SEGMENT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** `{"alg":"HS256","typ":"JWT"}` (ours, Go's) and `{"alg":"HS256"}` (jose's, the peer's). */
const KNOWN_HS256_HEADERS = new Set([HEADER_SEGMENT, 'eyJhbGciOiJIUzI1NiJ9']);
const HS256_HEADER: Readonly<Record<string, unknown>> = Object.freeze({ alg: 'HS256' });

/** Signs `payload` as a compact HS256 JWS. The payload is serialised as it is given. */
export function signHs256(payload: object, secret: string): string {
  return signHs256Json(stringifyJson(payload), secret);
}

/** Signs a payload already serialised as a JSON object. */
export function signHs256Json(payloadJson: string, secret: string): string {
  const signingInput = `${HEADER_SEGMENT}.${runtime.base64UrlEncodeString(payloadJson)}`;
  return `${signingInput}.${runtime.hmacSha256Base64Url(secret, signingInput)}`;
}

/** What {@link verifyHs256} needs besides the token. */
export interface Hs256VerifyParams {
  /** The secret for an API key, or undefined when the key is unknown. */
  secretFor(apiKey: string): string | undefined;
  leewaySeconds: number;
  nowSeconds: number;
  maxTokenLength: number;
}

/** A decoded payload: a JSON object whose signature, `exp` and `nbf` have been checked. */
export type VerifiedPayload = Record<string, unknown> & { iss: string; exp: number };

/**
 * Verifies a compact HS256 JWS and returns its payload. Throws only
 * {@link TokenVerificationError}, whatever the input.
 */
export function verifyHs256(token: unknown, params: Hs256VerifyParams): VerifiedPayload {
  if (typeof token !== 'string') {
    throw new TokenVerificationError('token_malformed', `expected the token as a string, got ${formatValue(token)}`);
  }
  if (token.length > params.maxTokenLength) {
    throw new TokenVerificationError(
      'token_too_large',
      `token is ${token.length} characters, more than the ${params.maxTokenLength} allowed; raise maxTokenLength if such tokens are expected`,
    );
  }
  // The happy path makes no separate pass over the text: the payload's alphabet is checked
  // as it is decoded, the signature's by comparing it with the expected one, and the header
  // is nearly always one of two known strings. A failure on the way first rules out a
  // malformed token, so the error reported is the same as if the whole shape were checked
  // up front.
  try {
    return verifyCompact(token, params);
  } catch (error) {
    throw error instanceof TokenVerificationError && !COMPACT_JWS.test(token) ? malformed(token) : error;
  }
}

function verifyCompact(token: string, params: Hs256VerifyParams): VerifiedPayload {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) throw malformed(token);
  const headerSegment = token.slice(0, firstDot);
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const signatureSegment = token.slice(secondDot + 1);

  const header = KNOWN_HS256_HEADERS.has(headerSegment) ? HS256_HEADER : decodeJsonObject(headerSegment, 'header');
  if (header['alg'] !== 'HS256') {
    const alg = typeof header['alg'] === 'string' ? header['alg'].slice(0, 16) : formatValue(header['alg']);
    throw new TokenVerificationError('token_unsupported_algorithm', `token is signed with ${JSON.stringify(alg)}; LiveKit accepts HS256 only`);
  }
  if (header['crit'] !== undefined) {
    throw new TokenVerificationError('token_malformed', 'token header has a "crit" member, which LiveKit does not support');
  }
  const payload = decodeJsonObject(payloadSegment, 'payload');

  const issuer = payload['iss'];
  if (typeof issuer !== 'string' || issuer === '') {
    throw new TokenVerificationError('token_unknown_key', 'token has no "iss" claim naming the API key it was signed with');
  }
  const secret = params.secretFor(issuer);
  if (secret === undefined) {
    throw new TokenVerificationError(
      'token_unknown_key',
      `token was issued for API key ${JSON.stringify(issuer.slice(0, 64))}, which this verifier does not hold`,
    );
  }
  const expected = runtime.hmacSha256Base64Url(secret, token.slice(0, secondDot));
  if (!constantTimeEqual(expected, signatureSegment)) {
    throw new TokenVerificationError(
      'token_bad_signature',
      `token signature does not match the secret of API key ${JSON.stringify(issuer.slice(0, 64))}`,
    );
  }
  // From here every part is known to be base64url: the header and payload decoded
  // strictly and the signature equals one we encoded.

  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new TokenVerificationError('token_missing_claim', 'token has no numeric "exp" claim; LiveKit requires one');
  }
  const nbf = payload['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    throw new TokenVerificationError('token_malformed', 'token "nbf" claim is not a number');
  }
  const { nowSeconds, leewaySeconds } = params;
  if (nowSeconds > exp + leewaySeconds) {
    throw new TokenVerificationError(
      'token_expired',
      `token expired at ${isoSeconds(exp)} (now ${isoSeconds(nowSeconds)}, leeway ${leewaySeconds} s); mint a new one`,
    );
  }
  if (nbf !== undefined && nbf > nowSeconds + leewaySeconds) {
    throw new TokenVerificationError(
      'token_not_yet_valid',
      `token is not valid before ${isoSeconds(nbf)} (now ${isoSeconds(nowSeconds)}, leeway ${leewaySeconds} s); check the clocks`,
    );
  }
  return payload as VerifiedPayload;
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function decodeJsonObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  const text = runtime.base64UrlDecodeToString(segment);
  // Replaced by malformed(token) in verifyHs256, which sees the whole token.
  if (text === undefined) throw new TokenVerificationError('token_malformed', `token ${part} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TokenVerificationError('token_malformed', `token ${part} is not base64url-encoded JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenVerificationError('token_malformed', `token ${part} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The error for a token that is not three non-empty base64url parts joined by dots. */
function malformed(token: string): TokenVerificationError {
  const parts = token.split('.').length;
  return new TokenVerificationError(
    'token_malformed',
    parts === 3
      ? 'token is not a JWT: a part is empty or not base64url'
      : `token is not a JWT: expected three dot-separated parts, got ${parts}`,
  );
}

function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z');
}
