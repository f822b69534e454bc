import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openCheckpoint, signCheckpoint } from '../integrity/checkpoint';
import { parseVerifierKey } from '../integrity/signed-note';
import { defaultCheckpointKeyFile, loadCheckpointKey } from './checkpoint-key';

const origin = 'journey-ledger.test/log';
const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('the checkpoint signing key', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'journey-ledger-key-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const settings = (more: { JOURNEY_CHECKPOINT_KEY?: string; JOURNEY_CHECKPOINT_KEY_FILE?: string } = {}) => ({
    JOURNEY_CHECKPOINT_ORIGIN: origin,
    JOURNEY_DATA_DIR: dataDir,
    ...more,
  });

  test('is made on first use under the data folder, readable by its owner only, and kept', async () => {
    const first = await loadCheckpointKey(settings());
    expect((await stat(defaultCheckpointKeyFile(dataDir))).mode & 0o777).toBe(0o600);
    const again = await loadCheckpointKey(settings());
    expect(again.verifierKey).toBe(first.verifierKey);
    expect(first.verifierKey.startsWith(`${origin}+`)).toBe(true);
  });

  test('starting twice at once makes one key', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadCheckpointKey(settings())));
    expect(new Set(keys.map((key) => key.verifierKey)).size).toBe(1);
  });

  test('comes from the variable before the file, and signs notes its verifier key opens', async () => {
    const file = join(dataDir, 'given.pem');
    await writeFile(file, pem());
    const fromFile = await loadCheckpointKey(settings({ JOURNEY_CHECKPOINT_KEY_FILE: file }));
    const fromVariable = await loadCheckpointKey(settings({ JOURNEY_CHECKPOINT_KEY: pem(), JOURNEY_CHECKPOINT_KEY_FILE: file }));
    expect(fromVariable.verifierKey).not.toBe(fromFile.verifierKey);
    const note = signCheckpoint({ origin, size: 3, rootHash: Buffer.alloc(32, 7) }, fromFile);
    expect(openCheckpoint(note, parseVerifierKey(fromFile.verifierKey)).size).toBe(3);
    expect(() => openCheckpoint(note, parseVerifierKey(fromVariable.verifierKey))).toThrow();
  });

  test('a configured file that is missing is an error, not a new key', async () => {
    await expect(loadCheckpointKey(settings({ JOURNEY_CHECKPOINT_KEY_FILE: join(dataDir, 'typo.pem') }))).rejects.toThrow(
      /JOURNEY_CHECKPOINT_KEY_FILE names a file that cannot be read/,
    );
  });

  test('a bad key, or a key given where its file\u2019s path belongs, is named by its setting and never printed', async () => {
    const key = pem();
    const body = key.split('\n')[1];
    const misplaced = await loadCheckpointKey(settings({ JOURNEY_CHECKPOINT_KEY_FILE: key })).catch((e: Error) => e);
    expect((misplaced as Error).message).toMatch(/JOURNEY_CHECKPOINT_KEY_FILE names a file that cannot be read/);
    expect(inspect(misplaced)).not.toContain(body);
    const truncated = key.slice(0, 60);
    const bad = await loadCheckpointKey(settings({ JOURNEY_CHECKPOINT_KEY: truncated })).catch((e: Error) => e);
    expect((bad as Error).message).toMatch(/JOURNEY_CHECKPOINT_KEY: /);
    expect(inspect(bad)).not.toContain(truncated.split('\n')[1]);
  });
});
