import { randomBytes } from 'node:crypto';
import { decryptField, encryptField, UndecryptableFieldError } from './field-cipher';

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
});
