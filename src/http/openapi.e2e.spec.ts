import { startTestApp, type TestApp } from '../../test/support/app';
import { isJourneyEventType } from '../journey/domain';

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

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

describe('the OpenAPI document at /docs/openapi.json', () => {
  let t: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp();
    const answer = await t.http().get('/docs/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  const bodySchemaOf = (operation: Operation) => {
    const ref = operation.requestBody?.content['application/json']?.schema?.$ref;
    return ref?.replace('#/components/schemas/', '');
  };

  test('gives every operation its own operationId', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => id === undefined)).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  test('declares every parameter of every path', () => {
    const undeclared = operations().flatMap(({ path, method, operation }) => {
      const declared = new Set((operation.parameters ?? []).filter((parameter) => parameter.in === 'path' && parameter.required).map(({ name }) => name));
      return [...path.matchAll(/\{(\w+)\}/g)]
        .map(([, name]) => name)
        .filter((name) => !declared.has(name))
        .map((name) => `${method} ${path}: ${name}`);
    });
    expect(undeclared).toEqual([]);
  });

  test('documents the body of every route recording an event: the event type\u2019s data plus occurredAt', () => {
    for (const route of EVENT_ROUTES) {
      const operation = document.paths[`/persons/{personId}/${route}`]?.post;
      const schema = operation && bodySchemaOf(operation);
      expect({ route, schema: schema && Object.keys(document.components.schemas[schema]?.properties ?? {}) }).toEqual({
        route,
        schema: expect.arrayContaining(['occurredAt']),
      });
    }
    expect(bodySchemaOf(document.paths['/persons'].post)).toBe('PersonRegisteredBody');
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
