// Shared fixtures for the webhook tests: a fixed clock, a key, and tokens built by hand
// (node:crypto HMAC) so that tests do not check our signer with itself.
import { createHash, createHmac } from 'node:crypto';
import { WebhookVerificationError } from '../../src/webhook/index.js';
import type { WebhookVerificationErrorCode } from '../../src/webhook/index.js';

export const KEY = 'webhook-key';
export const SECRET = 'webhook-secret-0123456789abcdefghijklm';
/** 2030-01-01T00:00:00Z, in milliseconds. */
export const NOW_MS = Date.UTC(2030, 0, 1);
export const NOW_S = NOW_MS / 1000;

export const PARTICIPANT_JOINED = {
  event: 'participant_joined',
  id: 'EV_fixture0001',
  createdAt: String(NOW_S),
  room: { sid: 'RM_standup', name: 'standup', emptyTimeout: 300, creationTime: String(NOW_S - 60), numParticipants: 1 },
  participant: { sid: 'PA_alice', identity: 'alice', name: 'Alice', state: 'ACTIVE', joinedAt: String(NOW_S) },
} as const;

/** Standard padded base64 of SHA-256, computed with node:crypto. */
export function sha256Base64(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}

/** An HS256 JWT built by hand. */
export function handToken(payload: Record<string, unknown>, secret = SECRET): string {
  const b64 = (value: string) => Buffer.from(value).toString('base64url');
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** What a server sends for `body`: a 5-minute token issued at NOW_S with the body's hash. */
export function serverToken(body: string | Uint8Array, overrides: Record<string, unknown> = {}, secret = SECRET): string {
  return handToken({ iss: KEY, nbf: NOW_S, exp: NOW_S + 300, sha256: sha256Base64(body), ...overrides }, secret);
}

/** Runs `fn` and returns the WebhookVerificationError code it failed with. */
export async function refusal(fn: () => unknown): Promise<WebhookVerificationErrorCode> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError, but the call succeeded');
}

/** Runs `fn` and returns the WebhookVerificationError it failed with. */
export async function refusalError(fn: () => unknown): Promise<WebhookVerificationError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError, but the call succeeded');
}
