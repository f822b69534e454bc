import { randomBytes } from 'node:crypto';
import { decryptField, encryptField, openFreeText, sealFreeText, UndecryptableFieldError } from './field-cipher';

const personId = '6b0f7d1e-54c4-4b6e-9d2a-1f3e5a7c9b11';

describe('field cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);

  test('decrypts what it encrypted, unicode included; a fresh IV each time', () => {
    const value = 'Ana-Maria Ciobanu, str. Ştefan cel Mare 1';
    const once = encryptField(key, personId, 'address', value);
    const twice = encryptField(key, personId, 'address', value);
    expect(once.iv).not.toBe(twice.iv);
    expect(once.ciphertext).not.toBe(twice.ciphertext);
    expect(decryptField(key, personId, 'address', once)).toBe(value);
    expect(Buffer.from(once.ciphertext, 'base64').toString('latin1')).not.toContain('Ciobanu');
  });

  test('pads to 32-byte blocks, so short values of different lengths look alike', () => {
    const lengths = ['Al', 'Alexandra Popescu'].map((value) => Buffer.from(encryptField(key, personId, 'fullName', value).ciphertext, 'base64').length);
    expect(lengths).toEqual([32, 32]);
    expect(Buffer.from(encryptField(key, personId, 'notes', 'x'.repeat(40)).ciphertext, 'base64').length).toBe(64);
  });

  test('does not decrypt under another key, for another person or field, or when altered', () => {
    const sealed = encryptField(key, personId, 'phone', '+373 22 123456');
    expect(() => decryptField(randomBytes(32), personId, 'phone', sealed)).toThrow(UndecryptableFieldError);
    expect(() => decryptField(key, '00000000-0000-4000-8000-000000000000', 'phone', sealed)).toThrow(UndecryptableFieldError);
    expect(() => decryptField(key, personId, 'fullName', sealed)).toThrow(UndecryptableFieldError);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] ^= 1;
    expect(() => decryptField(key, personId, 'phone', { ...sealed, ciphertext: bytes.toString('base64') })).toThrow(UndecryptableFieldError);
    expect(() => decryptField(key, personId, 'phone', { ...sealed, tag: sealed.tag.slice(0, 8) })).toThrow(UndecryptableFieldError);
  });

  test('free text seals to the same bytes for the same event, field and text only, and opens for that event only', () => {
    const eventId = '2c4f8e3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
    const text = 'Declined: her cousin Ion (+373 69 555 111) will help';
    const sealed = sealFreeText(key, personId, eventId, 'reason', text);
    expect(sealFreeText(key, personId, eventId, 'reason', text)).toEqual(sealed);
    expect(sealFreeText(key, personId, eventId, 'reason', `${text}.`).iv).not.toBe(sealed.iv);
    expect(sealFreeText(key, personId, '3c4f8e3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b', 'reason', text).iv).not.toBe(sealed.iv);
    expect(sealFreeText(key, personId, eventId, 'goals[0].goal', text).iv).not.toBe(sealed.iv);
    expect(openFreeText(key, personId, eventId, 'reason', sealed)).toBe(text);
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('Ion');
    expect(() => openFreeText(key, personId, '3c4f8e3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b', 'reason', sealed)).toThrow(UndecryptableFieldError);
    expect(() => openFreeText(key, personId, eventId, 'notes', sealed)).toThrow(UndecryptableFieldError);
    expect(() => openFreeText(randomBytes(32), personId, eventId, 'reason', sealed)).toThrow(UndecryptableFieldError);
  });
});
