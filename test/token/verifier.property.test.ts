// Whatever string arrives, verify either returns claims for a genuine token or throws a
// TokenVerificationError: never another exception, never an accepted forgery.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessToken, TokenVerificationError, TokenVerifier } from '../../src/token/index.js';

const KEY = 'prop-key';
const SECRET = 'prop-secret-0123456789abcdefghijklmnopq';
const verifier = new TokenVerifier(KEY, SECRET);

function outcome(token: string): 'accepted' | 'typed rejection' {
  try {
    verifier.verifySync(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof TokenVerificationError) return 'typed rejection';
    throw error;
  }
}

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');
const segment = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')) }),
  fc.json().map(b64url),
  fc.jsonValue().map((v) => b64url(JSON.stringify(v))),
  fc.uint8Array().map(b64url),
  fc.record({ alg: fc.constantFrom('HS256', 'none', 'HS512', 'RS256'), typ: fc.constant('JWT') }).map((h) => b64url(JSON.stringify(h))),
  fc.record({ iss: fc.constantFrom(KEY, 'other', ''), exp: fc.oneof(fc.integer(), fc.double(), fc.string()) }).map((p) => b64url(JSON.stringify(p))),
);

describe('TokenVerifier under arbitrary input', () => {
  it('answers any string with a typed rejection', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (token) => {
        expect(outcome(token)).toBe('typed rejection');
      }),
      { numRuns: 2000 },
    );
  });

  it('answers random bytes decoded as text with a typed rejection', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(outcome(Buffer.from(bytes).toString('latin1'))).toBe('typed rejection');
      }),
      { numRuns: 1000 },
    );
  });

  it('answers three arbitrary dot-separated parts with a typed rejection', () => {
    fc.assert(
      fc.property(segment, segment, segment, (header, payload, signature) => {
        expect(outcome(`${header}.${payload}.${signature}`)).toBe('typed rejection');
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a genuine token with any one character changed, removed or truncated', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'alice', metadata: 'm' });
    at.addGrant({ roomJoin: true, room: 'room' });
    const token = at.toJwt();
    expect(outcome(token)).toBe('accepted');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        fc.constantFrom('replace', 'delete', 'truncate'),
        (index, char, mode) => {
          let mutated: string;
          if (mode === 'replace') mutated = token.slice(0, index) + char + token.slice(index + 1);
          else if (mode === 'delete') mutated = token.slice(0, index) + token.slice(index + 1);
          else mutated = token.slice(0, index);
          fc.pre(mutated !== token);
          const result = outcome(mutated);
          // A change to the last character can leave the decoded signature bytes equal
          // (unused low bits of base64url); we compare encodings, so even that is refused.
          expect(result).toBe('typed rejection');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
