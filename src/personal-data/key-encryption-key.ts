import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readSettingFile } from '../config/configuration';

/**
 * Wraps and unwraps persons' data keys, as a KMS does (Vault transit, AWS KMS, Azure Key Vault): the
 * key-encryption key itself never leaves it. `context` is bound to the wrapped key (an encryption context), so a
 * wrapped key copied onto another person does not unwrap.
 */
export interface KeyEncryptionKey {
  /** Names the key-encryption key (not secret), stored with each wrapped key so a rotation knows what to rewrap. */
  readonly id: string;
  wrap(dataKey: Buffer, context: string): Promise<Buffer>;
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
}

export const KEY_ENCRYPTION_KEY = Symbol('KeyEncryptionKey');

export class KeyEncryptionKeyError extends Error {}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The embedded default: AES-256-GCM under a 32-byte key from the environment or a file. */
export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  readonly id: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new KeyEncryptionKeyError(`The key-encryption key must be ${KEY_BYTES} bytes`);
    this.id = `local:${createHash('sha256').update('journey-ledger kek id').update(key).digest('hex').slice(0, 16)}`;
  }

  /**
   * `JOURNEY_KEK` (base64) when set, else the file `JOURNEY_KEK_FILE`, else `<dataDir>/keys/key-encryption-key`,
   * made on first use and readable by its owner only. Errors never quote the key, nor the path a setting names.
   */
  static async load(settings: { JOURNEY_KEK?: string; JOURNEY_KEK_FILE?: string; JOURNEY_DATA_DIR: string }): Promise<LocalKeyEncryptionKey> {
    if (settings.JOURNEY_KEK) return new LocalKeyEncryptionKey(decode(settings.JOURNEY_KEK, 'JOURNEY_KEK'));
    if (settings.JOURNEY_KEK_FILE) {
      return new LocalKeyEncryptionKey(decode(await readSettingFile('JOURNEY_KEK_FILE', settings.JOURNEY_KEK_FILE), 'JOURNEY_KEK_FILE'));
    }
    const path = join(resolve(settings.JOURNEY_DATA_DIR), 'keys', 'key-encryption-key');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeyEncryptionKeyError(`The key-encryption key file ${path} cannot be read`);
      text = randomBytes(KEY_BYTES).toString('base64');
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
        text = await readFile(path, 'utf8'); // another process made it first
      });
    }
    return new LocalKeyEncryptionKey(decode(text, path));
  }

  async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  }

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(context, 'utf8')).setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new KeyEncryptionKeyError('A data key did not unwrap: another key-encryption key, or the wrong context');
    }
  }
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new KeyEncryptionKeyError(`${source} must hold ${KEY_BYTES} bytes in base64`);
  }
  return key;
}
