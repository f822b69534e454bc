import { createHash } from 'node:crypto';
import { StreamHeads } from './stream-heads';

const id = (text: string) => Buffer.from(`..."${text}"...`, 'latin1');
/** The slot of `text`, read from inside a larger buffer as the verifier does. */
const slotOf = (heads: StreamHeads, text: string) => heads.slotOf(id(text), 4, 4 + Buffer.byteLength(text, 'latin1'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const chainsOnto = (heads: StreamHeads, slot: number, hex: string) => heads.chainsOnto(slot, Buffer.from(`"${hex}"`), 1, 1 + hex.length);

describe('StreamHeads', () => {
  it('starts an unseen stream before its first event, chained onto 64 zeros', () => {
    const heads = new StreamHeads();
    const slot = slotOf(heads, 'journey-a');
    expect(heads.revision(slot)).toBe(-1);
    expect(heads.index(slot)).toBe(-1);
    expect(chainsOnto(heads, slot, '0'.repeat(64))).toBe(true);
    expect(chainsOnto(heads, slot, sha('x'))).toBe(false);
  });

  it('finds a stream again by its id bytes, and tells ids apart that share a prefix or differ in one byte', () => {
    const heads = new StreamHeads();
    const ids = ['journey-a', 'journey-ab', 'journey-b', 'journey-\\"a', '', 'journey-A'];
    const slots = ids.map((text) => slotOf(heads, text));
    expect(new Set(slots).size).toBe(ids.length);
    ids.forEach((text, i) => heads.advance(slots[i], i, 10 * i, sha(text)));
    ids.forEach((text, i) => {
      const slot = slotOf(heads, text);
      expect(slot).toBe(slots[i]);
      expect([heads.revision(slot), heads.index(slot)]).toEqual([i, 10 * i]);
      expect(chainsOnto(heads, slot, sha(text))).toBe(true);
    });
  });

  it('keeps every head through growth of the table (100,000 streams)', () => {
    const heads = new StreamHeads();
    const count = 100_000;
    for (let i = 0; i < count; i++) heads.advance(slotOf(heads, `journey-${i}`), i % 7, i, sha(String(i)));
    for (let i = 0; i < count; i += 997) {
      const slot = slotOf(heads, `journey-${i}`);
      expect([heads.revision(slot), heads.index(slot)]).toEqual([i % 7, i]);
      expect(chainsOnto(heads, slot, sha(String(i)))).toBe(true);
    }
  });

  it('accepts the previous hash only as 64 lower-case hex digits', () => {
    const heads = new StreamHeads();
    const slot = slotOf(heads, 'journey-a');
    const hash = sha('event');
    heads.advance(slot, 0, 0, hash);
    expect(chainsOnto(heads, slot, hash)).toBe(true);
    expect(chainsOnto(heads, slot, hash.toUpperCase())).toBe(false); // sha256('event') has letters
    expect(chainsOnto(heads, slot, hash.slice(0, 63))).toBe(false);
    expect(chainsOnto(heads, slot, `${hash}0`)).toBe(false);
    // A non-digit whose bits would match after a careless conversion.
    expect(chainsOnto(heads, slot, `${hash.slice(0, 63)}${String.fromCharCode(hash.charCodeAt(63) + 0x40)}`)).toBe(false);
  });
});
