// One describer for every error message that mentions a caller's value: never the whole
// value, and no string content at all, since any string may be a secret or a token.
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
  });

  it('describes strings by their length, never their content', () => {
    const secret = 'sk_live_0123456789abcdef';
    expect(formatValue(secret)).toBe('a string of 24 characters');
    expect(formatValue('x')).toBe('a string of 1 character');
    expect(formatValue('')).toBe('an empty string');
  });
});
