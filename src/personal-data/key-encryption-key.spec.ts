import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { KeyEncryptionKeyError, LocalKeyEncryptionKey } from './key-encryption-key';

describe('LocalKeyEncryptionKey', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'journey-kek-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('is made on first use under <data dir>/keys, readable by its owner only, and the same key afterwards', async () => {
    const first = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir });
    const file = join(dataDir, 'keys', 'key-encryption-key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
    const again = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir });
    expect(again.id).toBe(first.id);
    const dataKey = randomBytes(32);
    expect(await again.unwrap(await first.wrap(dataKey, 'person-1'), 'person-1')).toEqual(dataKey);
  });

  test('JOURNEY_KEK wins over the file; JOURNEY_KEK_FILE names the file', async () => {
    const key = randomBytes(32).toString('base64');
    const fromEnv = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK: key });
    const file = join(dataDir, 'my-kek');
    await writeFile(file, key);
    const fromFile = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK_FILE: file });
    expect(fromFile.id).toBe(fromEnv.id);
    await expect(stat(join(dataDir, 'keys'))).rejects.toThrow();
  });

  test('a wrapped key unwraps only under the same key-encryption key and context', async () => {
    const kek = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK: randomBytes(32).toString('base64') });
    const other = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK: randomBytes(32).toString('base64') });
    const wrapped = await kek.wrap(randomBytes(32), 'person-1');
    await expect(kek.unwrap(wrapped, 'person-2')).rejects.toThrow(KeyEncryptionKeyError);
    await expect(other.unwrap(wrapped, 'person-1')).rejects.toThrow(KeyEncryptionKeyError);
    const tampered = Buffer.from(wrapped);
    tampered[tampered.length - 1] ^= 1;
    await expect(kek.unwrap(tampered, 'person-1')).rejects.toThrow(KeyEncryptionKeyError);
  });

  test('a bad key is refused without quoting it', async () => {
    const bad = Buffer.from('sixteen byte key').toString('base64');
    const error = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK: bad }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(KeyEncryptionKeyError);
    expect((error as Error).message).toMatch(/JOURNEY_KEK must hold 32 bytes/);
    expect((error as Error).message).not.toContain(bad);
    await expect(LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK_FILE: join(dataDir, 'missing') })).rejects.toThrow(/cannot be read/);
  });

  test('a key given where its file\u2019s path belongs is never printed: the error names JOURNEY_KEK_FILE', async () => {
    const key = randomBytes(32).toString('base64');
    const error = await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: dataDir, JOURNEY_KEK_FILE: key }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/JOURNEY_KEK_FILE names a file that cannot be read/);
    expect(inspect(error)).not.toContain(key);
  });
});
