import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigurationError, readSettingFile, type Configuration } from '../config/configuration';
import { createNoteSigner, type NoteSigner } from '../integrity/signed-note';

type KeySettings = Pick<Configuration, 'JOURNEY_CHECKPOINT_ORIGIN' | 'JOURNEY_CHECKPOINT_KEY' | 'JOURNEY_CHECKPOINT_KEY_FILE' | 'JOURNEY_DATA_DIR'>;

export const defaultCheckpointKeyFile = (dataDir: string): string => join(resolve(dataDir), 'keys', 'checkpoint-signing-key.pem');

/**
 * The checkpoint signer: JOURNEY_CHECKPOINT_KEY when set, else the key file. Only the default file is made when
 * missing (an Ed25519 PKCS#8 PEM readable by its owner only); a configured file that is missing is an error, so a
 * typo never silently starts a new key that auditors do not know. A PEM key is named after the log's origin.
 */
export async function loadCheckpointKey(config: KeySettings): Promise<NoteSigner> {
  const name = config.JOURNEY_CHECKPOINT_ORIGIN;
  if (config.JOURNEY_CHECKPOINT_KEY) return configuredSigner('JOURNEY_CHECKPOINT_KEY', config.JOURNEY_CHECKPOINT_KEY, name);
  if (config.JOURNEY_CHECKPOINT_KEY_FILE) {
    return configuredSigner('JOURNEY_CHECKPOINT_KEY_FILE', await readSettingFile('JOURNEY_CHECKPOINT_KEY_FILE', config.JOURNEY_CHECKPOINT_KEY_FILE), name);
  }
  const path = defaultCheckpointKeyFile(config.JOURNEY_DATA_DIR);
  return createNoteSigner(await readOrCreateKeyFile(path), name);
}

/** A key that will not make a signer is named by its setting; the reason never quotes the key. */
function configuredSigner(setting: string, keyText: string, name: string): NoteSigner {
  try {
    return createNoteSigner(keyText, name);
  } catch (error) {
    throw new ConfigurationError(`Invalid configuration:\n  ${setting}: ${(error as Error).message}`);
  }
}

async function readOrCreateKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: another process starting at once never reads a half-written key,
  // and whichever links first wins.
  const draft = `${path}.${randomUUID()}`;
  await writeFile(draft, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft);
  }
  return readFile(path, 'utf8');
}
