import { decodeJwt } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProgram } from '../cli/main';
import { LocalSigningKey } from './local-signing-key';
import { TokenVerifier } from './token-verifier';

/** `npm run cli -- token`, run in-process through the real CLI program. */
describe('cli token', () => {
  let folder: string;
  let output: string[];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back onto process.stderr, where it came from
  const saved = { dataDir: process.env.JOURNEY_DATA_DIR, log: console.log, stderr: process.stderr.write };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'journey-ledger-token-'));
    process.env.JOURNEY_DATA_DIR = folder;
  });
  beforeEach(() => {
    output = [];
    console.log = (line: string) => output.push(String(line));
  });
  afterEach(() => {
    console.log = saved.log;
    process.stderr.write = saved.stderr;
  });
  afterAll(async () => {
    if (saved.dataDir === undefined) delete process.env.JOURNEY_DATA_DIR;
    else process.env.JOURNEY_DATA_DIR = saved.dataDir;
    await rm(folder, { recursive: true, force: true });
  });

  const mint = (...args: string[]) => cliProgram().parseAsync(['node', 'cli', 'token', '--role', 'caseworker', '--org', 'org-a', ...args]);
  const mintAs = (...args: string[]) => cliProgram().parseAsync(['node', 'cli', 'token', ...args]);
  const verified = async (token: string) => TokenVerifier.forLocalKey((await LocalSigningKey.loadOrCreate(folder)).publicKey).verify(token);
  const lifetime = () => {
    const { iat, exp } = decodeJwt(output.at(-1) ?? '');
    return (exp ?? 0) - (iat ?? 0);
  };

  test('a token lives one hour by default; --ttl takes seconds or a unit, up to 12 hours', async () => {
    await mint();
    expect(lifetime()).toBe(3600);
    await mint('--ttl', '30m');
    expect(lifetime()).toBe(1800);
    await mint('--ttl', '12h');
    expect(lifetime()).toBe(12 * 3600);
    await mint('--ttl', '900');
    expect(lifetime()).toBe(900);
  });

  test('a longer --ttl is refused with a clear message, and nothing is minted', async () => {
    const errors: string[] = [];
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
    await expect(mint('--ttl', '13h')).rejects.toThrow(/--ttl.*must be at most 12h/);
    await expect(mint('--ttl', String(12 * 3600 + 1))).rejects.toThrow(/must be at most 12h/);
    await expect(mint('--ttl', 'forever')).rejects.toThrow(/must be a positive duration/);
    expect(errors.join('')).toMatch(/must be at most 12h: local tokens are short-lived/);
    expect(output).toEqual([]);
  });

  test('mints a ledger_auditor token the local key verifies', async () => {
    await mintAs('--role', 'ledger_auditor', '--org', 'org-a', '--sub', 'ledger-1');
    expect(await verified(output.at(-1) ?? '')).toEqual({ sub: 'ledger-1', org: 'org-a', roles: ['ledger_auditor'] });
  });

  test('several roles in one token; an unknown role is refused', async () => {
    await mintAs('--role', 'auditor', '--role', 'ledger_auditor', '--org', 'org-b');
    expect(await verified(output.at(-1) ?? '')).toMatchObject({ org: 'org-b', roles: ['auditor', 'ledger_auditor'] });
    const program = cliProgram();
    program.commands.find((command) => command.name() === 'token')?.configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'cli', 'token', '--role', 'superuser', '--org', 'org-a'])).rejects.toThrow(/must be one of/);
  });
});
