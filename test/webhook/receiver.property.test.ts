// Whatever is done to a genuine webhook's body or token, the receiver answers with a
// WebhookVerificationError: never an accepted event, never another exception.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebhookReceiver, WebhookVerificationError, signWebhook } from '../../src/webhook/index.js';
import type { SignedWebhook, WebhookEventName } from '../../src/webhook/index.js';
import { KEY, NOW_MS, SECRET } from './helpers.js';

const receiver = new WebhookReceiver(KEY, SECRET);
const at = { now: NOW_MS };

function outcome(body: string | Uint8Array, authorization: string): 'accepted' | 'typed rejection' {
  try {
    receiver.receiveSync(body, authorization, at);
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return 'typed rejection';
    throw error;
  }
}

const names: WebhookEventName[] = ['room_started', 'participant_joined', 'track_published', 'egress_ended'];
const text = fc.string({ maxLength: 24, unit: 'grapheme' });
const webhook: fc.Arbitrary<SignedWebhook> = fc
  .record({
    event: fc.constantFrom(...names),
    room: fc.record({ name: text, sid: text, metadata: text, numParticipants: fc.nat(1000) }),
    participant: fc.option(fc.record({ identity: text, name: text, attributes: fc.dictionary(text, text, { maxKeys: 3 }) }), {
      nil: undefined,
    }),
  })
  .map(({ participant, ...rest }) =>
    signWebhook(participant === undefined ? rest : { ...rest, participant }, { apiKey: KEY, apiSecret: SECRET, now: NOW_MS }),
  );

/** A webhook and a position inside a part of it of length `length`. */
const withIndex = (length: (signed: SignedWebhook) => number) =>
  webhook.chain((signed) => fc.record({ signed: fc.constant(signed), index: fc.nat(length(signed) - 1) }));

describe('WebhookReceiver under tampering', () => {
  it('accepts every genuine webhook as the event that was signed', () => {
    fc.assert(
      fc.property(webhook, (signed) => {
        const event = receiver.receiveSync(signed.body, signed.headers.Authorization, at);
        expect(event.equals(signed.event)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a body with any byte flipped', () => {
    fc.assert(
      fc.property(withIndex((s) => s.body.length), fc.integer({ min: 1, max: 255 }), ({ signed, index }, mask) => {
        const body = signed.body.slice();
        body[index] = body[index]! ^ mask;
        expect(outcome(body, signed.headers.Authorization)).toBe('typed rejection');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a body truncated to any shorter length, as bytes or as text', () => {
    fc.assert(
      fc.property(withIndex((s) => s.body.length), ({ signed, index }) => {
        expect(outcome(signed.body.subarray(0, index), signed.headers.Authorization)).toBe('typed rejection');
        expect(outcome(signed.text.slice(0, Math.min(index, signed.text.length - 1)), signed.headers.Authorization)).toBe(
          'typed rejection',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a token with any character replaced by any other', () => {
    fc.assert(
      fc.property(
        withIndex((s) => s.headers.Authorization.length),
        fc.integer({ min: 1, max: 0xffff }),
        ({ signed, index }, delta) => {
          const token = signed.headers.Authorization;
          const replaced = String.fromCharCode((token.charCodeAt(index) + delta) % 0x10000);
          const tampered = token.slice(0, index) + replaced + token.slice(index + 1);
          expect(outcome(signed.body, tampered)).toBe('typed rejection');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a token truncated to any shorter length', () => {
    fc.assert(
      fc.property(withIndex((s) => s.headers.Authorization.length), ({ signed, index }) => {
        expect(outcome(signed.body, signed.headers.Authorization.slice(0, index))).toBe('typed rejection');
      }),
      { numRuns: 300 },
    );
  });

  it("refuses one genuine webhook's token over another's body", () => {
    fc.assert(
      fc.property(webhook, webhook, (a, b) => {
        fc.pre(a.text !== b.text);
        expect(outcome(a.body, b.headers.Authorization)).toBe('typed rejection');
      }),
      { numRuns: 200 },
    );
  });

  it('answers arbitrary bytes and strings as body and header with a typed rejection', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 })), fc.string({ maxLength: 300 }), (body, header) => {
        expect(outcome(body, header)).toBe('typed rejection');
      }),
      { numRuns: 500 },
    );
  });
});
