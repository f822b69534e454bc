import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
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

/**
 * Binds sealed free text to its person, event and field: moved onto another event, it does not decrypt.
 */
function freeTextBoundTo(personId: string, eventId: string, path: string): Buffer {
  return Buffer.from(`journey-ledger/free-text/v1\u001f${personId}\u001f${eventId}\u001f${path}`, 'utf8');
}

/** AES-256-GCM under the person's data key; a fresh random IV each time. */
export function encryptField(dataKey: Buffer, personId: string, field: string, value: string): Ciphertext {
  return seal(dataKey, randomBytes(IV_BYTES), boundTo(personId, field), value);
}

export class UndecryptableFieldError extends Error {}

export function decryptField(dataKey: Buffer, personId: string, field: string, sealed: Ciphertext): string {
  return open(dataKey, boundTo(personId, field), sealed, field);
}

/**
 * Free text of one event's field, AES-256-GCM under the person's data key. The IV is derived from the key, the
 * event, the field and the text (as in AES-GCM-SIV's synthetic IV): the same text in the same field of the same
 * event seals to the same bytes, so a retried request is recognised as the same one, and no two different texts
 * ever share an IV.
 */
export function sealFreeText(dataKey: Buffer, personId: string, eventId: string, path: string, text: string): Ciphertext {
  const bound = freeTextBoundTo(personId, eventId, path);
  const ivKey = createHmac('sha256', dataKey).update('journey-ledger/free-text-iv/v1').digest();
  const iv = createHmac('sha256', ivKey).update(bound).update('\u001f').update(text, 'utf8').digest().subarray(0, IV_BYTES);
  return seal(dataKey, iv, bound, text);
}

export function openFreeText(dataKey: Buffer, personId: string, eventId: string, path: string, sealed: Ciphertext): string {
  return open(dataKey, freeTextBoundTo(personId, eventId, path), sealed, path);
}

function seal(dataKey: Buffer, iv: Buffer, boundData: Buffer, value: string): Ciphertext {
  const bytes = Buffer.from(value, 'utf8');
  const padded = Buffer.alloc(Math.ceil((4 + bytes.length) / PAD_TO) * PAD_TO);
  padded.writeUInt32BE(bytes.length, 0);
  bytes.copy(padded, 4);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(boundData);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function open(dataKey: Buffer, boundData: Buffer, sealed: Ciphertext, field: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'), { authTagLength: 16 })
      .setAAD(boundData)
      .setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const padded = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return padded.subarray(4, 4 + padded.readUInt32BE(0)).toString('utf8');
  } catch {
    throw new UndecryptableFieldError(`The field ${field} does not decrypt under this key`);
  }
}
