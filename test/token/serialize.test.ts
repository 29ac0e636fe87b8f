// The hand-written claim serialiser must give byte for byte what JSON.stringify gives: the
// signature covers those bytes, and the cross-checks compare claims with the peer's.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringifyFlatObject, stringifyJson } from '../../src/token/serialize.js';

describe('stringifyJson', () => {
  it('equals JSON.stringify on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('equals JSON.stringify on strings of any code units, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (key, text) => {
        expect(stringifyJson({ [key]: text, list: [text] })).toBe(JSON.stringify({ [key]: text, list: [text] }));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['undefined, function and symbol members (skipped)', { a: undefined, b: () => 1, c: Symbol('s'), d: 1 }],
    ['undefined, function and symbol items (null)', [undefined, () => 1, Symbol('s'), 2]],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['non-finite numbers and negative zero', { a: Number.NaN, b: Infinity, c: -Infinity, d: -0, e: 1e21, f: 5e-7 }],
    ['integer-like keys, which come first', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['an object with toJSON', { when: new Date(Date.UTC(2030, 0, 1)), nested: { toJSON: () => ({ x: 1 }) } }],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1, b: 'two' })],
    ['control characters, quotes and backslashes', { text: 'a"b\\c\n\t\u0000\u001f\u007f\u2028' }],
    ['a class instance', new (class Point { x = 1; y = 2; })()],
    ['boxed primitives', { s: new String('s'), n: new Number(1), b: new Boolean(false) }],
  ])('equals JSON.stringify on %s', (_label, value) => {
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });

  it('skips inherited enumerable properties, as JSON.stringify does', () => {
    const child = Object.create({ inherited: true }) as Record<string, unknown>;
    child['own'] = 1;
    expect(stringifyJson(child)).toBe(JSON.stringify(child));
  });

  it('throws on a bigint like JSON.stringify', () => {
    expect(() => stringifyJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('stringifyFlatObject', () => {
  it('equals JSON.stringify on flat objects of any member names and values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.oneof(fc.boolean(), fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 2 }))),
        (object) => {
          expect(stringifyFlatObject(object)).toBe(JSON.stringify(object));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('stays right after seeing more member names than it remembers', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        const object = { [`name-${i}`]: true, [`"quoted\\${i}"`]: `v${i}`, [`ctl\u0001${i}`]: false };
        expect(stringifyFlatObject(object)).toBe(JSON.stringify(object));
      }
    }
  });

  it('writes an empty object and skips undefined, function and symbol members', () => {
    expect(stringifyFlatObject({})).toBe('{}');
    expect(stringifyFlatObject({ a: undefined, b: () => 1, c: Symbol('c'), d: 1 })).toBe('{"d":1}');
  });
});
