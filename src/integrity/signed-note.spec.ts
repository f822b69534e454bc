import { generateKeyPairSync } from 'node:crypto';
import { NoteError, createNoteSigner, openNote, parseVerifierKey, signNote, verifierKeyString } from './signed-note';

/**
 * The example of golang.org/x/mod/sumdb/note (note.go's package documentation and note_test.go), the reference
 * implementation of C2SP signed-note. Ed25519 is deterministic, so signing must reproduce the note byte for byte.
 */
const goSignerKey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const goVerifierKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const goNote = `${goText}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function pemSigner(name: string) {
  const { privateKey } = generateKeyPairSync('ed25519');
  return createNoteSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), name);
}

describe('C2SP signed-note', () => {
  test('signing the Go example reproduces its published note and verifier key', () => {
    const signer = createNoteSigner(goSignerKey);
    expect(signer.verifierKey).toBe(goVerifierKey);
    expect(signNote(goText, signer)).toBe(goNote);
  });

  test('the Go example note opens with its verifier key', () => {
    expect(openNote(goNote, parseVerifierKey(goVerifierKey))).toBe(goText);
  });

  test('an altered text or signature is rejected', () => {
    const verifier = parseVerifierKey(goVerifierKey);
    expect(() => openNote(goNote.replace('cryptography', 'cryptographY'), verifier)).toThrow(NoteError);
    const signature = goNote.slice(goNote.lastIndexOf(' ') + 1, -1);
    const blob = Buffer.from(signature, 'base64');
    blob[blob.length - 1] ^= 0x01;
    expect(() => openNote(goNote.replace(signature, blob.toString('base64')), verifier)).toThrow(/does not verify/);
  });

  test('a PEM key round-trips; another key, even under the same name, does not open the note', () => {
    const signer = pemSigner('journey-ledger.example/log');
    const note = signNote('hello\n', signer);
    expect(openNote(note, parseVerifierKey(signer.verifierKey))).toBe('hello\n');
    const impostor = pemSigner('journey-ledger.example/log');
    expect(() => openNote(note, parseVerifierKey(impostor.verifierKey))).toThrow(/not signed by/);
  });

  test("other keys' signatures are ignored, the trusted one still counts", () => {
    const signer = pemSigner('journey-ledger.example/log');
    const witness = pemSigner('witness.example/w1');
    const note = signNote('hello\n', signer);
    const witnessed = note + signNote('hello\n', witness).split('\n\n')[1];
    expect(openNote(witnessed, parseVerifierKey(signer.verifierKey))).toBe('hello\n');
    expect(openNote(witnessed, parseVerifierKey(witness.verifierKey))).toBe('hello\n');
  });

  test('the key id in a verifier key must match its key', () => {
    expect(() => parseVerifierKey(goVerifierKey.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id/);
  });

  test('the verifier key published from a public key is the one of its private key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createNoteSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'journey-ledger.example/log');
    expect(verifierKeyString('journey-ledger.example/log', publicKey)).toBe(signer.verifierKey);
    expect(signer.verifierKey).toMatch(/^journey-ledger\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  });

  test('malformed notes and texts are refused', () => {
    const signer = pemSigner('journey-ledger.example/log');
    expect(() => signNote('no final newline', signer)).toThrow(NoteError);
    expect(() => signNote('a\u0007bell\n', signer)).toThrow(NoteError);
    expect(() => openNote(goText, parseVerifierKey(goVerifierKey))).toThrow(/no signature block/);
    expect(() => createNoteSigner('not a key', 'name')).toThrow(NoteError);
  });
});
