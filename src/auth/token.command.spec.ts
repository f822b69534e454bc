import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProgram } from '../cli/main';
import { LocalSigningKey } from './local-signing-key';
import { TokenVerifier } from './token-verifier';

/** `npm run cli -- token --role ROLE --org ORG [--sub ID]`, run in-process through the real CLI program. */
describe('cli token', () => {
  let dataDir: string;
  let output: string[];
  const saved = { dataDir: process.env.JOURNEY_DATA_DIR, log: console.log };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'journey-ledger-token-'));
    process.env.JOURNEY_DATA_DIR = dataDir;
  });
  beforeEach(() => {
    output = [];
    console.log = (line: string) => output.push(String(line));
  });
  afterEach(() => {
    console.log = saved.log;
  });
  afterAll(async () => {
    if (saved.dataDir === undefined) delete process.env.JOURNEY_DATA_DIR;
    else process.env.JOURNEY_DATA_DIR = saved.dataDir;
    await rm(dataDir, { recursive: true, force: true });
  });

  const mint = (...args: string[]) => cliProgram().parseAsync(['node', 'cli', 'token', ...args]);
  const verified = async (token: string) => TokenVerifier.forLocalKey((await LocalSigningKey.loadOrCreate(dataDir)).publicKey).verify(token);

  test('mints a ledger_auditor token the local key verifies', async () => {
    await mint('--role', 'ledger_auditor', '--org', 'org-a', '--sub', 'ledger-1');
    expect(await verified(output.at(-1) ?? '')).toEqual({ sub: 'ledger-1', org: 'org-a', roles: ['ledger_auditor'] });
  });

  test('several roles in one token; an unknown role is refused', async () => {
    await mint('--role', 'auditor', '--role', 'ledger_auditor', '--org', 'org-b');
    expect(await verified(output.at(-1) ?? '')).toMatchObject({ org: 'org-b', roles: ['auditor', 'ledger_auditor'] });
    const program = cliProgram();
    program.commands.find((command) => command.name() === 'token')?.configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'cli', 'token', '--role', 'superuser', '--org', 'org-a'])).rejects.toThrow(/must be one of/);
  });
});
