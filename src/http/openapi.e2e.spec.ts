import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from '../../test/support/app';
import { VALID } from '../../test/support/valid-fact-data';
import { ACCESS_PURPOSES } from '../access-log/access-purpose';
import { isJourneyEventType } from '../journey/domain';

type Operation = OpenAPIV3.OperationObject;
type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The routes that record an event, as the README lists them. */
const EVENT_ROUTES = [
  'consents',
  'consent-withdrawals',
  'sharing-overrides',
  'cases',
  'case-closures',
  'case-reopenings',
  'case-transfers',
  'services',
  'assistance-declines',
  'employment-statuses',
  'outcome-assessments',
  'rss-administrations',
  'follow-up-contacts',
  'contact-losses',
  'contact-reestablishments',
  're-trafficking-reports',
  'identifications',
  'trafficking-experiences',
  'nrm-referrals',
  'grounds-decisions',
  'reflection-periods',
  'reflection-period-ends',
  'residence-permit-decisions',
  'referrals',
  'referral-resolutions',
  'assessments',
  'reintegration-plans',
  'return-risk-assessments',
  'return-decisions',
  'returns',
  'legal-proceeding-milestones',
  'compensation-decisions',
  'entries-in-error',
  'corrections',
];

/** The headers routes read, as the README describes them: name, and whether the route refuses a request without it. */
const READ_HEADERS = ['X-Access-Purpose', 'If-Match', 'Idempotency-Key'];

function headersRead(method: string, path: string): Record<string, boolean> {
  // Every read of a person's record states why; writes may be conditional and retried.
  if (method === 'get' && path.startsWith('/persons/{personId}/')) return { 'X-Access-Purpose': true };
  if (method === 'post' && path === '/persons') return { 'Idempotency-Key': false };
  if (method === 'post' && EVENT_ROUTES.some((route) => path === `/persons/{personId}/${route}`)) return { 'If-Match': false, 'Idempotency-Key': false };
  if (method === 'put' && path === '/persons/{personId}/personal-data') return { 'If-Match': false };
  return {};
}

const PROBLEM_REF = '#/components/schemas/Problem';

/**
 * An OpenAPI 3.0 schema as JSON Schema for Ajv: `nullable` becomes a null alternative, and an object that lists its
 * properties allows no other, so an answer carrying a field the document does not describe fails.
 */
function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted: Record<string, unknown> = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, key === 'properties' ? mapValues(value, jsonSchemaOf) : jsonSchemaOf(value)]),
  );
  if (converted.properties && converted.additionalProperties === undefined) converted.additionalProperties = false;
  return nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
}

const mapValues = (object: unknown, map: (value: unknown) => unknown) =>
  Object.fromEntries(Object.entries(object as Record<string, unknown>).map(([key, value]) => [key, map(value)]));

describe('the OpenAPI document at /docs/openapi.json', () => {
  let t: TestApp;
  let document: OpenAPIV3.Document;
  let forwardedFor = 0;
  /** A client address of its own (the app trusts the loopback proxy), so failed authentications do not add up. */
  const freshAddress = () => `198.51.100.${++forwardedFor}`;

  beforeAll(async () => {
    t = await startTestApp({ JOURNEY_TRUST_PROXY: 'loopback', JOURNEY_AUTH_FAILURES_PER_MINUTE: '2' });
    const answer = await t.http().get('/docs/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) => (item?.[method] ? [{ path, method, operation: item[method] }] : [])),
    );
  const bodySchemaOf = (operation: Operation) => {
    const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
    const ref = (body?.content['application/json']?.schema as OpenAPIV3.ReferenceObject | undefined)?.$ref;
    return ref?.replace('#/components/schemas/', '');
  };
  const parametersOf = (operation: Operation) => (operation.parameters ?? []) as OpenAPIV3.ParameterObject[];
  const responsesOf = (operation: Operation) => Object.entries(operation.responses) as [string, OpenAPIV3.ResponseObject][];

  test('is a valid OpenAPI 3 document, as @apidevtools/swagger-parser checks it', async () => {
    expect(document.openapi).toMatch(/^3\.0\.\d+$/);
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  test('gives every operation its own operationId', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => id === undefined)).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  test('declares every parameter of every path', () => {
    const undeclared = operations().flatMap(({ path, method, operation }) => {
      const declared = new Set(
        parametersOf(operation)
          .filter((parameter) => parameter.in === 'path' && parameter.required)
          .map(({ name }) => name),
      );
      return [...path.matchAll(/\{(\w+)\}/g)]
        .map(([, name]) => name)
        .filter((name) => !declared.has(name!))
        .map((name) => `${method} ${path}: ${name}`);
    });
    expect(undeclared).toEqual([]);
  });

  test('declares each header a route reads once, under its real name, required exactly when the route requires it', () => {
    for (const { path, method, operation } of operations()) {
      const headers = parametersOf(operation).filter((parameter) => parameter.in === 'header');
      const names = headers.map(({ name }) => name.toLowerCase());
      expect({ route: `${method} ${path}`, repeated: names.filter((name, index) => names.indexOf(name) !== index) }).toEqual({
        route: `${method} ${path}`,
        repeated: [],
      });
      const declared = Object.fromEntries(
        headers
          .filter(({ name }) => READ_HEADERS.some((read) => read.toLowerCase() === name.toLowerCase()))
          .map(({ name, required }) => [name, required === true]),
      );
      expect({ route: `${method} ${path}`, declared }).toEqual({ route: `${method} ${path}`, declared: headersRead(method, path) });
    }
    const purpose = parametersOf(document.paths['/persons/{personId}/status']!.get!).find(({ name }) => name === 'X-Access-Purpose');
    expect(purpose?.schema).toEqual({ type: 'string', enum: [...ACCESS_PURPOSES] });
  });

  test('a read of a person\u2019s record without X-Access-Purpose is refused, as its required header says', async () => {
    const token = await t.token('caseworker');
    const person = await t
      .http()
      .post('/persons')
      .set('authorization', `Bearer ${token}`)
      .send({ ...VALID.PersonRegistered, occurredAt: '2024-01' });
    expect(person.status).toBe(201);
    const reads = operations().filter(({ operation }) => parametersOf(operation).some(({ name, required }) => name === 'X-Access-Purpose' && required));
    expect(reads.length).toBeGreaterThanOrEqual(4);
    for (const { path } of reads) {
      const answer = await t.http().get(path.replace('{personId}', person.body.personId)).set('authorization', `Bearer ${token}`);
      expect({ path, status: answer.status, fields: answer.body.errors?.map(({ field }: { field: string }) => field) }).toEqual({
        path,
        status: 400,
        fields: ['X-Access-Purpose'],
      });
    }
  });

  test('describes every error answer as an RFC 9457 Problem, served as application/problem+json', () => {
    const problem = document.components!.schemas!.Problem as OpenAPIV3.SchemaObject;
    expect(problem.required).toEqual(['type', 'title', 'status']);
    expect(Object.keys(problem.properties!).sort()).toEqual(['detail', 'errors', 'failedChecks', 'moreBadLines', 'rule', 'status', 'title', 'type']);
    const fieldError = document.components!.schemas!.FieldError as OpenAPIV3.SchemaObject;
    expect((problem.properties!.errors as OpenAPIV3.ArraySchemaObject).items).toEqual({ $ref: '#/components/schemas/FieldError' });
    expect(fieldError.required).toEqual(['field', 'reason']);
    const errorAnswers = operations().flatMap(({ path, method, operation }) =>
      responsesOf(operation)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ answer: `${method} ${path} ${status}`, content: response.content })),
    );
    expect(errorAnswers.length).toBeGreaterThan(200);
    for (const { answer, content } of errorAnswers) {
      expect({ answer, content }).toEqual({ answer, content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } } });
    }
  });

  test('documents 401, 403 and 429 (and the bearer token) on exactly the routes that refuse a request without a token', async () => {
    const publicRoutes: string[] = [];
    for (const { path, method, operation } of operations()) {
      const url = path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
      const answer = await t.http()[method](url).set('x-forwarded-for', freshAddress());
      const route = `${method} ${path}`;
      const statuses = responsesOf(operation).map(([status]) => status);
      if (answer.status === 401) {
        expect({ route, security: operation.security, statuses }).toEqual({
          route,
          security: [{ bearer: [] }],
          statuses: expect.arrayContaining(['401', '403', '429']),
        });
      } else {
        publicRoutes.push(route);
        expect({ route, security: operation.security, statuses: statuses.filter((status) => ['401', '403', '429'].includes(status)) }).toEqual({
          route,
          security: undefined,
          statuses: [],
        });
      }
    }
    expect(publicRoutes.sort()).toEqual(['get /audit/checkpoint', 'get /audit/public-key', 'get /health', 'get /health/live', 'get /health/ready']);
  });

  test('gives every operation a schema for its success answer, in each media type it answers', () => {
    const missing = operations().flatMap(({ path, method, operation }) => {
      const successes = responsesOf(operation).filter(([status]) => status.startsWith('2'));
      if (successes.length === 0) return [`${method} ${path}: no success answer`];
      return successes.flatMap(([status, { content }]) =>
        Object.keys(content ?? {}).length === 0
          ? [`${method} ${path} ${status}: no content`]
          : Object.entries(content!)
              .filter(([, media]) => !media.schema)
              .map(([type]) => `${method} ${path} ${status} ${type}`),
      );
    });
    expect(missing).toEqual([]);
    const cohort = document.paths['/cohort-reports']!.post!.responses['200'] as OpenAPIV3.ResponseObject;
    expect(cohort.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/CohortReportDto' } },
      'text/csv': { schema: expect.objectContaining({ type: 'string' }) },
      'text/markdown': { schema: expect.objectContaining({ type: 'string' }) },
    });
  });

  test('every answer the app gives is the one documented: its status, its media type, and a body its schema admits', async () => {
    const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as never)) as OpenAPIV3.Document;
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const exchanges: { route: string; answer: Response }[] = [];
    const as = async (role: Parameters<TestApp['token']>[0]) => ({ authorization: `Bearer ${await t.token(role)}` });
    /** Sends to `target` (a documented path, with its query) with its `{names}` filled in, and keeps the exchange. */
    const send = async (method: Method, target: string, headers: Record<string, string>, fill: Record<string, string> = {}, body?: unknown) => {
      const path = target.replace(/\{(\w+)\}/g, (_, name: string) => fill[name]!);
      const agent = t.http();
      const request = agent[method](path).set({ 'x-forwarded-for': freshAddress(), ...headers });
      const answer =
        body === undefined
          ? await request
          : typeof body === 'string'
            ? await request.type('application/x-ndjson').send(body)
            : await request.send(body as object);
      exchanges.push({ route: `${method} ${target.split('?')[0]}`, answer });
      return answer;
    };

    const caseworker = await as('caseworker');
    const reading = { ...caseworker, 'x-access-purpose': 'case_management' };
    const { personId } = (await send('post', '/persons', caseworker, {}, { ...VALID.PersonRegistered, occurredAt: '2024-01' })).body;
    const person = { personId };
    await send('post', '/persons/{personId}/consents', caseworker, person, { ...VALID.ConsentGranted, occurredAt: '2024-02-01' });
    const opened = await send('post', '/persons/{personId}/cases', caseworker, person, { ...VALID.CaseOpened, occurredAt: '2024-02-02' });
    await send('post', '/persons/{personId}/employment-statuses', caseworker, person, { ...VALID.EmploymentStatusRecorded, occurredAt: '2024-03-01' });
    await send('post', '/persons/{personId}/outcome-assessments', caseworker, person, { ...VALID.OutcomeAssessed, occurredAt: '2024-03-02' });
    const last = await send('post', '/persons/{personId}/rss-administrations', caseworker, person, { ...VALID.RSSAdministered, occurredAt: '2024-03-03' });
    const minPosition = String(last.body.position);
    await send('get', '/persons/{personId}/timeline?minPosition={minPosition}', reading, { ...person, minPosition: '999999' });
    await send('put', '/persons/{personId}/personal-data', caseworker, person, { fullName: 'A Person', notes: 'Met at the shelter' });
    await send('get', '/persons/{personId}/status?minPosition={minPosition}', reading, { ...person, minPosition });
    await send('get', '/persons/{personId}/timeline', reading, person);
    await send('get', '/persons/{personId}/events', reading, person);
    await send('get', '/persons/{personId}/personal-data', reading, person);
    await send('post', '/persons/{personId}/consents', caseworker, person, { scope: 'everything', occurredAt: '2024-13-01' });
    await send('post', '/persons/{personId}/consents', { ...caseworker, 'if-match': String(opened.body.revision) }, person, {
      ...VALID.ConsentGranted,
      occurredAt: '2024-04-01',
    });
    await send('post', '/persons/{personId}/case-reopenings', caseworker, person, { ...VALID.CaseReopened, occurredAt: '2024-04-01' });
    await send('post', '/persons/{personId}/case-closures', caseworker, person, { ...VALID.CaseClosed, occurredAt: '2024-04-01' });
    await send('get', '/persons/{personId}/status', reading, { personId: '00000000-0000-4000-8000-000000000000' });
    await send('get', '/persons/{personId}/status', {}, person);

    const manager = await as('programme_manager');
    await send('get', '/caseload', manager);
    await send('post', '/imports?dryRun=true', manager, {}, '{"personId": "not a uuid"}\n');
    await send(
      'post',
      '/imports?dryRun=true',
      manager,
      {},
      `${JSON.stringify({ personId, type: 'ContactLost', occurredAt: '2024-05', organisationId: 'org-a', data: {} })}\n`,
    );
    await send(
      'post',
      '/cohort-reports',
      await as('evaluator'),
      {},
      {
        entry: { type: 'CaseOpened', from: '2024-01-01', to: '2024-12-31' },
        measures: [{ kind: 'statusAtOffsets', offsetsMonths: [6] }],
      },
    );

    const auditor = await as('auditor');
    const signed = await send('post', '/audit/checkpoints', auditor);
    const size = /\n(\d+)\n/.exec(signed.text)![1]!;
    await send('get', '/audit/checkpoint', {});
    await send('get', '/audit/public-key', {});
    await send('get', '/audit/checkpoints?size={size}', auditor, { size });
    await send('get', '/audit/proofs/inclusion?index=0&treeSize={size}', auditor, { size });
    await send('get', '/audit/proofs/consistency?from=1&to={size}', auditor, { size });
    await send('get', '/audit/access-log', auditor);
    await send('get', '/audit/export?include=leafHash', await as('ledger_auditor'));
    await send('get', '/metrics', await as('admin'));
    await send('post', '/persons/{personId}/erasure', await as('admin'), person, { basis: 'person_request' });
    for (const path of ['/health', '/health/live', '/health/ready']) await send('get', path, {});
    const address = freshAddress();
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await t.http().get('/caseload').set({ 'x-forwarded-for': address, authorization: 'Bearer forged' });
      exchanges.push({ route: 'get /caseload', answer });
    }

    const mismatches = exchanges.flatMap(({ route, answer }) => {
      const [method, path] = route.split(' ') as [Method, string];
      const operation = dereferenced.paths[path.split('?')[0]!]?.[method];
      const response = operation?.responses[String(answer.status)] as OpenAPIV3.ResponseObject | undefined;
      const type = String(answer.headers['content-type']).split(';')[0]!;
      const schema = response?.content?.[type]?.schema;
      if (!schema) return [`${route}: ${answer.status} ${type} is not documented`];
      const body = /[/+]json$/.test(type) ? answer.body : answer.text;
      const validate = ajv.compile(jsonSchemaOf(schema) as object);
      return validate(body) ? [] : [`${route} ${answer.status}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(mismatches).toEqual([]);
    const statuses = new Set(exchanges.map(({ answer }) => answer.status));
    for (const status of [200, 201, 400, 401, 403, 404, 409, 422, 429]) expect(statuses).toContain(status);
  });

  test('documents the body of every route recording an event: the event type\u2019s data plus occurredAt', () => {
    for (const route of EVENT_ROUTES) {
      const operation = document.paths[`/persons/{personId}/${route}`]?.post;
      const schema = operation && bodySchemaOf(operation);
      const properties = schema && (document.components!.schemas![schema] as OpenAPIV3.SchemaObject | undefined)?.properties;
      expect({ route, schema: schema && Object.keys(properties ?? {}) }).toEqual({ route, schema: expect.arrayContaining(['occurredAt']) });
    }
    expect(bodySchemaOf(document.paths['/persons']!.post!)).toBe('PersonRegisteredBody');
  });

  test('names each route for the event type it records, once each, in kebab-case', () => {
    const routes: Record<string, string> = {};
    for (const { path, method, operation } of operations()) {
      const type = bodySchemaOf(operation)?.replace(/Body$/, '');
      const route = /^\/persons\/\{personId\}\/([^/]+)$/.exec(path)?.[1];
      if (method === 'post' && route && type && isJourneyEventType(type)) routes[type] = route;
    }
    expect(routes).toMatchObject({
      ConsentGranted: 'consents',
      ConsentWithdrawn: 'consent-withdrawals',
      CaseOpened: 'cases',
      ServiceDelivered: 'services',
      EmploymentStatusRecorded: 'employment-statuses',
      CaseClosed: 'case-closures',
      EnteredInError: 'entries-in-error',
      EventCorrected: 'corrections',
    });
    // Registration is `POST /persons`; personal data and its erasure have routes of their own.
    for (const type of ['PersonRegistered', 'PersonalDataRecorded', 'PersonalDataErased']) expect(routes[type]).toBeUndefined();
    const given = Object.values(routes);
    expect(given.sort()).toEqual([...EVENT_ROUTES].sort());
    expect(new Set(given).size).toBe(given.length);
    for (const route of given) expect(route).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
