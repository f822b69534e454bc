import { generateKeyPairSync } from 'node:crypto';
import { checkpointBody, openCheckpoint, parseCheckpointBody, signCheckpoint } from './checkpoint';
import { leafHash } from './merkle';
import { NoteError, createNoteSigner, parseVerifierKey } from './signed-note';

const origin = 'journey-ledger.example/log';

function signer() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return createNoteSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), origin);
}

describe('C2SP tlog-checkpoint', () => {
  const checkpoint = { origin, size: 1234567, rootHash: leafHash(Buffer.from('any root')) };

  test('the body is origin, decimal size and base64 root, one per line', () => {
    expect(checkpointBody(checkpoint)).toBe(`${origin}\n1234567\n${checkpoint.rootHash.toString('base64')}\n`);
    expect(parseCheckpointBody(checkpointBody(checkpoint))).toEqual(checkpoint);
  });

  test('extension lines are accepted and ignored', () => {
    expect(parseCheckpointBody(`${checkpointBody(checkpoint)}extension line\n`)).toEqual(checkpoint);
  });

  test.each([
    ['a size with a leading zero', `${origin}\n01\n${checkpoint.rootHash.toString('base64')}\n`],
    ['a negative size', `${origin}\n-1\n${checkpoint.rootHash.toString('base64')}\n`],
    ['a short root', `${origin}\n1\n${checkpoint.rootHash.subarray(1).toString('base64')}\n`],
    ['no origin', `\n1\n${checkpoint.rootHash.toString('base64')}\n`],
    ['no final newline', `${origin}\n1\n${checkpoint.rootHash.toString('base64')}`],
  ])('%s is malformed', (_, text) => {
    expect(() => parseCheckpointBody(text)).toThrow(NoteError);
  });

  test('a signed checkpoint opens with the log key, not with another, and not once altered', () => {
    const log = signer();
    const note = signCheckpoint(checkpoint, log);
    expect(openCheckpoint(note, parseVerifierKey(log.verifierKey))).toEqual(checkpoint);
    expect(() => openCheckpoint(note, parseVerifierKey(signer().verifierKey))).toThrow(NoteError);
    expect(() => openCheckpoint(note.replace('\n1234567\n', '\n1234568\n'), parseVerifierKey(log.verifierKey))).toThrow(/does not verify/);
  });
});
