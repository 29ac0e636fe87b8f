// One describer for every error message that mentions a caller's value: never the whole
// value, and no string at all where it may be a secret, a token or a URL with credentials.
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../src/token/grants.js';

describe('formatValue', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[1, 2], 'an array'],
    [{ a: 1 }, 'an object'],
    [42, '42'],
    [false, 'false'],
    [10n, '10'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
  ])('describes %o as %s', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
    expect(formatValue(value, { hideStrings: true })).toBe(expected);
  });

  it('quotes strings, cut at 40 characters', () => {
    expect(formatValue('10 hours')).toBe('"10 hours"');
    expect(formatValue('x'.repeat(100))).toBe(`"${'x'.repeat(40)}…"`);
  });

  it('shows no string content when strings may be secrets', () => {
    const secret = 'sk_live_0123456789abcdef';
    expect(formatValue(secret, { hideStrings: true })).toBe('a string');
    expect(formatValue('', { hideStrings: true })).toBe('an empty string');
  });
});
