import { HASH_BYTES } from './merkle';
import { NoteError, openNote, signNote, type NoteSigner, type NoteVerifier } from './signed-note';

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text
 * `<origin>\n<tree size, decimal>\n<base64 root hash>\n`, optionally followed by extension lines, which we
 * neither write nor interpret.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export function checkpointBody({ origin, size, rootHash }: Checkpoint): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (origin.length === 0 || /[\u0000-\u001f]/u.test(origin)) throw new NoteError('A checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError('A checkpoint size must be a non-negative integer');
  if (rootHash.length !== HASH_BYTES) throw new NoteError('A checkpoint root hash must be 32 bytes');
  return `${origin}\n${size}\n${rootHash.toString('base64')}\n`;
}

export function parseCheckpointBody(text: string): Checkpoint {
  const [origin, size, root] = text.split('\n');
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (
    !origin ||
    !/^(0|[1-9][0-9]*)$/.test(size ?? '') ||
    !Number.isSafeInteger(Number(size)) ||
    rootHash.length !== HASH_BYTES ||
    rootHash.toString('base64') !== root ||
    !text.endsWith('\n')
  ) {
    throw new NoteError('Malformed checkpoint');
  }
  return { origin, size: Number(size), rootHash };
}

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(checkpointBody(checkpoint), signer);
}

/** Verifies a signed checkpoint against the log's key and returns what it commits to. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  return parseCheckpointBody(openNote(note, verifier));
}
