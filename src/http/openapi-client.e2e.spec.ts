import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import createClient from 'openapi-fetch';
import ts from 'typescript';
import { startTestApp, type TestApp } from '../../test/support/app';

// openapi-typescript runs as its command line, in Node: it loads packages that are ES modules only, which Jest's own
// loader cannot read on Node 20.
const execFileAsync = promisify(execFile);
const OPENAPI_TYPESCRIPT = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');

/**
 * A client as a team would write it against the generated types: it compiles only if the document describes the
 * routes, parameters, headers and bodies it uses, and the calls the contract forbids must not compile.
 */
const CLIENT = `
import type createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import type { paths } from './schema';

/** Registers a person, records a consent, reads the status after it. */
export async function registerConsentAndRead(create: typeof createClient, baseUrl: string, token: string) {
  const client = create<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } });
  const registered = await client.POST('/persons', {
    params: { header: { 'Idempotency-Key': 'registration-1' } },
    body: { gender: 'female', citizenship: 'NG', birthYear: 1990, occurredAt: '2024-01' },
  });
  if (!registered.data) throw new Error(\`registration answered \${registered.response.status}\`);
  const personId: string = registered.data.personId;
  const consent = await client.POST('/persons/{personId}/consents', {
    params: { path: { personId }, header: { 'If-Match': String(registered.data.revision) } },
    body: { scope: 'sharing', organisationId: 'org-b', occurredAt: '2024-02-01' },
  });
  if (!consent.data) throw new Error(\`the consent answered \${consent.response.status}\`);
  const status = await client.GET('/persons/{personId}/status', {
    params: { path: { personId }, query: { minPosition: consent.data.position }, header: { 'X-Access-Purpose': 'case_management' } },
  });
  if (!status.data) throw new Error(\`the status answered \${status.response.status}\`);
  const phase: 'identified' | 'in_recovery' | 'returned' | 'in_reintegration' | 'closed' = status.data.status.phase;
  const consents: { scope: string; organisationId?: string }[] = status.data.status.activeConsents;
  return { personId, consent: consent.data, position: status.data.position, phase, consents };
}

/** Calls the contract forbids: each line after a directive must fail to compile, or the directive is an error. */
export function refusedByTheContract(client: Client<paths>) {
  // @ts-expect-error a read of a person's record states its purpose
  void client.GET('/persons/{personId}/status', { params: { path: { personId: 'p' } } });
  // @ts-expect-error a purpose is one of the codes, never free text
  void client.GET('/persons/{personId}/status', { params: { path: { personId: 'p' }, header: { 'X-Access-Purpose': 'curiosity' } } });
  // @ts-expect-error a consent's scope is a code of the list
  void client.POST('/persons/{personId}/consents', { params: { path: { personId: 'p' } }, body: { scope: 'everything', occurredAt: '2024-02-01' } });
  // @ts-expect-error a registration needs a citizenship
  void client.POST('/persons', { body: { gender: 'female', occurredAt: '2024-01' } });
  // @ts-expect-error there is no such route
  void client.GET('/persons/{personId}/secrets', { params: { path: { personId: 'p' } } });
}
`;

/** What the client file exports, as this test calls it (the file itself is checked against the generated types). */
interface ClientModule {
  registerConsentAndRead(
    create: typeof createClient,
    baseUrl: string,
    token: string,
  ): Promise<{ personId: string; consent: { revision: number; position: number }; position: number; phase: string; consents: unknown[] }>;
}

/** Type errors of the client against the generated types, as the TypeScript compiler reports them. */
function typeErrors(folder: string): string[] {
  const program = ts.createProgram([join(folder, 'client.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    // The client sits in a temporary folder: its one package is found where this project installed it.
    paths: { 'openapi-fetch': [join(dirname(require.resolve('openapi-fetch')), 'index.d.mts')] },
  });
  return ts.getPreEmitDiagnostics(program).map(({ file, start, messageText }) => {
    const where = file && start !== undefined ? `${file.fileName}:${file.getLineAndCharacterOfPosition(start).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(messageText, '\n')}`;
  });
}

describe('a client generated from /docs/openapi.json by openapi-typescript, through openapi-fetch', () => {
  let t: TestApp;
  let baseUrl: string;
  let folder: string;

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const answer = await fetch(`${baseUrl}/docs/openapi.json`);
    expect(answer.status).toBe(200);
    folder = await mkdtemp(join(tmpdir(), 'journey-ledger-client-'));
    await writeFile(join(folder, 'openapi.json'), await answer.text());
    await execFileAsync(process.execPath, [OPENAPI_TYPESCRIPT, join(folder, 'openapi.json'), '--output', join(folder, 'schema.d.ts')]);
    await writeFile(join(folder, 'client.ts'), CLIENT);
  });
  afterAll(async () => {
    await t.close();
    await rm(folder, { recursive: true, force: true });
  });

  test('type-checks the client against the generated types, and refuses the calls the contract forbids', () => {
    expect(typeErrors(folder)).toEqual([]);
  });

  test('registers a person, records a consent and reads the status through the typed client, over HTTP', async () => {
    // The client file was generated into a temp folder at run time: only a runtime require can load it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require(join(folder, 'client.ts')) as ClientModule;
    const result = await client.registerConsentAndRead(createClient, baseUrl, await t.token('caseworker', 'org-a'));
    expect(result.personId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(result.consent.revision).toBe(1);
    expect(result.position).toBeGreaterThanOrEqual(result.consent.position);
    expect(result.phase).toBe('identified');
    expect(result.consents).toEqual([{ scope: 'sharing', organisationId: 'org-b' }]);
  });
});
