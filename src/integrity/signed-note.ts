import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures (type 0x01): a text ending in a newline,
 * a blank line, then lines `— <key name> base64(4-byte key id || signature)`.
 *
 * Keys:
 * - signer: a PKCS#8 PEM Ed25519 private key (`openssl genpkey -algorithm ed25519`) plus a key name, or the
 *   signer key string of golang.org/x/mod/sumdb/note, `PRIVATE+KEY+<name>+<key id hex>+base64(0x01 || seed)`;
 * - verifier: the C2SP verifier key string `<name>+<key id hex>+base64(0x01 || 32-byte public key)`.
 */

const ED25519 = 0x01;
const EM_DASH = '\u2014';
const MAX_SIGNATURES = 64;
/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  sign(text: string): Buffer;
  /** The C2SP verifier key string auditors use to check this signer's notes. */
  verifierKey: string;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  verify(text: string, signature: Buffer): boolean;
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4] */
export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function assertKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || hasControlCharacters(name)) {
    throw new NoteError('A key name must be non-empty, without spaces or "+"');
  }
}

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return /[\u0000-\u0009\u000b-\u001f]/u.test(text);
}

function rawPublicKey(key: KeyObject): Buffer {
  const { x } = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') throw new NoteError('Not an Ed25519 key');
  return Buffer.from(x, 'base64url');
}

/** The C2SP verifier key string of an Ed25519 public (or private) key. */
export function verifierKeyString(name: string, key: KeyObject): string {
  assertKeyName(name);
  const publicKey = rawPublicKey(key.type === 'private' ? createPublicKey(key) : key);
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

function signerFromKey(name: string, privateKey: KeyObject): NoteSigner {
  assertKeyName(name);
  const publicKey = createPublicKey(privateKey);
  return {
    name,
    keyId: keyId(name, rawPublicKey(publicKey)),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey),
    verifierKey: verifierKeyString(name, publicKey),
  };
}

/**
 * A signer from key text as kept in a file or an environment variable: a PKCS#8 PEM Ed25519 private key (then
 * `name` is required), or a `PRIVATE+KEY+...` signer key string, which names itself.
 */
export function createNoteSigner(keyText: string, name?: string): NoteSigner {
  const text = keyText.trim();
  if (text.startsWith('PRIVATE+KEY+')) return signerFromSignerKey(text);
  if (name === undefined) throw new NoteError('A PEM private key needs a key name');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(text);
  } catch {
    throw new NoteError('The private key is neither PKCS#8 PEM nor a PRIVATE+KEY string');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new NoteError('The private key is not Ed25519');
  return signerFromKey(name, privateKey);
}

function signerFromSignerKey(signerKey: string): NoteSigner {
  // The base64 may itself contain "+": split off the four fields before it only.
  const [, , name, id, ...rest] = signerKey.split('+');
  const material = Buffer.from(rest.join('+'), 'base64');
  if (!name || rest.length === 0 || material.length !== 33 || material[0] !== ED25519) {
    throw new NoteError('Malformed PRIVATE+KEY signer key');
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, material.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const signer = signerFromKey(name, privateKey);
  if (signer.keyId.toString('hex') !== id) throw new NoteError('The signer key id does not match its key');
  return signer;
}

/** Parses a C2SP verifier key string, checking its key id. */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  const [name, id, ...rest] = verifierKey.trim().split('+');
  const material = Buffer.from(rest.join('+'), 'base64');
  if (!name || !/^[0-9a-f]{8}$/.test(id ?? '') || material.length !== 33 || material[0] !== ED25519) {
    throw new NoteError('Malformed Ed25519 verifier key');
  }
  assertKeyName(name);
  const publicKeyBytes = material.subarray(1);
  if (keyId(name, publicKeyBytes).toString('hex') !== id) throw new NoteError('The verifier key id does not match its key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyBytes.toString('base64url') },
    format: 'jwk',
  });
  return {
    name,
    keyId: Buffer.from(id, 'hex'),
    verify: (text, signature) => verify(null, Buffer.from(text, 'utf8'), publicKey, signature),
  };
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n') || hasControlCharacters(text)) {
    throw new NoteError('A note text must end in a newline and hold no control characters but newlines');
  }
}

export function signNote(text: string, signer: NoteSigner): string {
  assertNoteText(text);
  const signature = Buffer.concat([signer.keyId, signer.sign(text)]).toString('base64');
  return `${text}\n${EM_DASH} ${signer.name} ${signature}\n`;
}

/**
 * Verifies a signed note against a trusted key and returns its text. As the spec requires, signatures by other
 * keys are ignored, a failing signature by the trusted key rejects the note, and so does having none by it.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('Malformed note: no signature block');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('Too many signatures on the note');
  let verified = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!match) throw new NoteError('Malformed signature line');
    const [, name, encoded] = match;
    const blob = Buffer.from(encoded, 'base64');
    if (blob.length < 5) throw new NoteError('Malformed signature');
    if (name !== verifier.name || !blob.subarray(0, 4).equals(verifier.keyId)) continue;
    if (!verifier.verify(text, blob.subarray(4))) throw new NoteError(`The signature by ${name} does not verify`);
    verified = true;
  }
  if (!verified) throw new NoteError(`The note is not signed by ${verifier.name}`);
  return text;
}
