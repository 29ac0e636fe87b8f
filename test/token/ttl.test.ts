// The ttl parser follows vercel/ms; the `ms` package itself is the reference here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ms from 'ms';
import { parseDurationSeconds, ttlToSeconds } from '../../src/token/ttl.js';

const UNITS = [
  'milliseconds', 'millisecond', 'msecs', 'msec', 'ms', 'seconds', 'second', 'secs', 'sec', 's',
  'minutes', 'minute', 'mins', 'min', 'm', 'hours', 'hour', 'hrs', 'hr', 'h', 'days', 'day', 'd',
  'weeks', 'week', 'w', 'years', 'year', 'yrs', 'yr', 'y', '',
];

function reference(text: string): number | undefined {
  try {
    const millis = ms(text as ms.StringValue) as number | undefined;
    return typeof millis === 'number' && !Number.isNaN(millis) ? millis / 1000 : undefined;
  } catch {
    return undefined;
  }
}

function randomCase(text: string, flips: boolean[]): string {
  return [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');
}

describe('parseDurationSeconds', () => {
  it('agrees with vercel/ms on strings of its grammar', () => {
    const amount = fc.oneof(
      fc.nat({ max: 100000 }).map(String),
      fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
      fc.nat({ max: 999 }).map((b) => `.${b}`),
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        amount,
        fc.constantFrom('', ' ', '  '),
        fc.constantFrom(...UNITS),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (negative, number, space, unit, flips) => {
          const text = `${negative ? '-' : ''}${number}${space}${randomCase(unit, flips)}`;
          const expected = reference(text);
          const actual = parseDurationSeconds(text);
          if (expected === undefined) expect(actual).toBeUndefined();
          else expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with vercel/ms on arbitrary strings about what is a duration', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        expect(parseDurationSeconds(text) === undefined).toBe(reference(text) === undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['10h', 36_000],
    ['2 days', 172_800],
    ['1.5m', 90],
    ['1y', 31_557_600],
    ['500ms', 0.5],
    ['2 Weeks', 1_209_600],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
});

describe('ttlToSeconds', () => {
  it('floors to whole seconds', () => {
    expect(ttlToSeconds('1.5s')).toBe(1);
    expect(ttlToSeconds(59.9)).toBe(59);
  });

  it('names the option in its errors', () => {
    expect(() => ttlToSeconds('later', 'clockTolerance')).toThrow(/clockTolerance/);
  });

  // Parsed strings are remembered; the memory must never change an answer.
  it('gives the same answers from its memory of parsed strings, however many it has seen', () => {
    const strings = Array.from({ length: 200 }, (_, i) => `${i + 1}m`);
    for (let round = 0; round < 3; round++) {
      for (const [i, text] of strings.entries()) expect(ttlToSeconds(text)).toBe((i + 1) * 60);
    }
    expect(ttlToSeconds('10h')).toBe(36_000);
    expect(ttlToSeconds('10h')).toBe(36_000);
  });

  it('keeps refusing an invalid string however often it is passed, naming the option each time', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => ttlToSeconds('3600')).toThrow(/without a unit/);
      expect(() => ttlToSeconds('0s', 'clockTolerance')).toThrow(/clockTolerance must be at least 1 second/);
    }
  });
});
