import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { parseCanonical } from './canonical';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const canonical = '{"data":{"count":0,"note":"A/B","step":1},"schemaVersion":1,"type":"JourneyStepRecorded"}';

describe('parseCanonical', () => {
  test('takes RFC 8785 text as canonical, with its JSON value', () => {
    expect(parseCanonical(bytes(canonical))).toEqual({ value: JSON.parse(canonical), canonical: true });
  });

  test.each([
    ['a duplicate key', canonical.replace('"schemaVersion":1', '"schemaVersion":1,"schemaVersion":1')],
    ['1.0 for 1', canonical.replace('"schemaVersion":1', '"schemaVersion":1.0')],
    ['1e0 for 1', canonical.replace('"step":1', '"step":1e0')],
    ['-0 for 0', canonical.replace('"count":0', '"count":-0')],
    ['\\u0041 for A', canonical.replace('"A/B"', '"\\u0041/B"')],
    ['an escaped slash', canonical.replace('"A/B"', '"A\\/B"')],
    ['unsorted keys', canonical.replace('"note":"A/B","step":1', '"step":1,"note":"A/B"')],
    ['extra whitespace', canonical.replace('"step":1', '"step": 1')],
    ['a trailing newline', `${canonical}\n`],
  ])('refuses the same JSON spelled with %s', (_, text) => {
    expect(canonicalize(JSON.parse(text))).toBe(canonical); // the same JSON value (parsing drops a duplicate key)
    expect(parseCanonical(bytes(text))).toEqual({ value: JSON.parse(text), canonical: false });
  });

  test('refuses duplicate keys, whichever value JSON.parse keeps and however deep they lie', () => {
    for (const text of ['{"a":0,"a":1}', '{"a":1,"a":0}', '{"a":{"b":1,"b":1}}', '[{"a":1,"a":1}]']) {
      expect(parseCanonical(bytes(text))?.canonical).toBe(false);
    }
  });

  test('refuses bytes that are not UTF-8, even where their decoding is canonical text of the same length', () => {
    // F0 90 80 is the start of a four-byte sequence: decoded, it becomes one U+FFFD (three bytes as UTF-8).
    const broken = Buffer.concat([bytes('{"note":"'), Buffer.from([0xf0, 0x90, 0x80]), bytes('"}')]);
    expect(broken.toString('utf8')).toBe('{"note":"\ufffd"}');
    expect(Buffer.byteLength(broken.toString('utf8'))).toBe(broken.length);
    expect(parseCanonical(broken)?.canonical).toBe(false);
  });

  test('refuses a number JSON can write but RFC 8785 cannot (beyond the range of a double)', () => {
    expect(parseCanonical(bytes('{"step":1e999}'))?.canonical).toBe(false);
  });

  test('takes integer-like keys in RFC 8785 order, which is not the order JSON.parse gives them', () => {
    const text = '{"10":"ten","9":"nine","a":1}';
    expect(Object.keys(JSON.parse(text))).toEqual(['9', '10', 'a']);
    expect(parseCanonical(bytes(text))?.canonical).toBe(true);
    expect(parseCanonical(bytes('{"9":"nine","10":"ten","a":1}'))?.canonical).toBe(false);
  });

  test('is undefined for bytes that are not JSON', () => {
    for (const text of ['', '}', '{"a":', 'not json']) expect(parseCanonical(bytes(text))).toBeUndefined();
  });

  test('agrees with canonicalize on any JSON: its text is canonical, any other text of the same value is not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1), (value, indent) => {
        const text = canonicalize(value) as string;
        expect(parseCanonical(bytes(text))?.canonical).toBe(true);
        const other = JSON.stringify(value, null, indent);
        expect(parseCanonical(bytes(other))?.canonical).toBe(other === text);
      }),
      { numRuns: 2000 },
    );
  });
});
