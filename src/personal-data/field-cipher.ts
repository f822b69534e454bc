import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Ciphertext } from '../journey/domain';

const IV_BYTES = 12;
/** Plaintexts are padded to a multiple of this, so a ciphertext's length hints little at the value's. */
const PAD_TO = 32;

/**
 * Binds a ciphertext to its person and field (AES-GCM additional data): moved onto another person or field, it
 * does not decrypt.
 */
function boundTo(personId: string, field: string): Buffer {
  return Buffer.from(`journey-ledger/personal-data/v1\u001f${personId}\u001f${field}`, 'utf8');
}

/** AES-256-GCM under the person's data key; a fresh random IV each time. */
export function encryptField(dataKey: Buffer, personId: string, field: string, value: string): Ciphertext {
  const bytes = Buffer.from(value, 'utf8');
  const padded = Buffer.alloc(Math.ceil((4 + bytes.length) / PAD_TO) * PAD_TO);
  padded.writeUInt32BE(bytes.length, 0);
  bytes.copy(padded, 4);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(boundTo(personId, field));
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export class UndecryptableFieldError extends Error {}

export function decryptField(dataKey: Buffer, personId: string, field: string, sealed: Ciphertext): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'), { authTagLength: 16 })
      .setAAD(boundTo(personId, field))
      .setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const padded = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return padded.subarray(4, 4 + padded.readUInt32BE(0)).toString('utf8');
  } catch {
    throw new UndecryptableFieldError(`The field ${field} does not decrypt under this key`);
  }
}
