import { startTestApp, type TestApp } from '../../test/support/app';
import { ROLES, type Role } from './actor';

/**
 * Every route the application serves (read from its router, so a route added later is walked too) against every
 * role and no token at all. The expectations come from the roles the README documents, not from the routes' own decorators: a route this
 * table does not know fails the spec until someone decides who may call it.
 */
type Expected = 'public' | readonly Role[];

const RECORDERS: readonly Role[] = ['caseworker', 'programme_manager'];

function expectedFor(method: string, path: string): Expected {
  const route = `${method.toUpperCase()} ${path}`;
  if (path === '/health' || path.startsWith('/health/') || path === '/docs' || path.startsWith('/docs/') || path === '/docs-yaml') return 'public';
  if (route === 'GET /audit/public-key' || route === 'GET /audit/checkpoint') return 'public';
  if (route === 'POST /persons/:personId/case-closures') return ['programme_manager'];
  if (route === 'POST /persons/:personId/erasure') return ['admin'];
  if (route === 'POST /audit/checkpoints') return ['auditor', 'admin'];
  if (route === 'POST /imports' || route === 'GET /caseload') return ['programme_manager'];
  if (route === 'GET /metrics') return ['admin'];
  if (route === 'GET /audit/export') return ['ledger_auditor'];
  if (route === 'GET /audit/access-log') return ['auditor'];
  if (route === 'GET /audit/checkpoints' || path.startsWith('/audit/proofs/')) return ['auditor', 'ledger_auditor'];
  if (path === '/persons' || path.startsWith('/persons/:personId/')) return RECORDERS;
  if (path.startsWith('/audit/')) return ['auditor'];
  if (route === 'POST /cohort-reports') return ['evaluator', 'programme_manager'];
  throw new Error(`${route} is not in the access matrix: decide which roles may call it and add it here`);
}

interface Route {
  method: string;
  path: string;
}

function routesOf(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance();
  const layers = (express.router ?? express._router).stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  return layers
    // Wildcard paths carry middleware (the logger's, `{/*splat}`), not routes.
    .filter((layer) => layer.route && !layer.route.path.includes('*'))
    .flatMap(({ route }) => Object.keys(route!.methods).filter((method) => method !== '_all').map((method) => ({ method, path: route!.path })));
}

describe('access matrix: every role against every route', () => {
  let t: TestApp;
  let routes: Route[];
  let ownPerson: string;
  let otherPerson: string;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp({ JOURNEY_AUTH_FAILURES_PER_MINUTE: '1000000' });
    for (const role of ROLES) tokens.set(role, await t.token(role, 'org-a'));
    const register = async (org: string) =>
      (await t.http().post('/persons').set('authorization', `Bearer ${await t.token('caseworker', org)}`).send({ gender: 'female', citizenship: 'NG', occurredAt: '2024-01' }))
        .body.personId as string;
    ownPerson = await register('org-a');
    otherPerson = await register('org-b');
    routes = routesOf(t);
  });
  afterAll(() => t.close());

  const call = (route: Route, personId: string, token?: string) => {
    const request = t.http()[route.method as 'get'](route.path.replace(':personId', personId)).set('x-access-purpose', 'case_management');
    if (token) request.set('authorization', `Bearer ${token}`);
    return route.method === 'get' ? request : request.send({});
  };

  test('finds the documented routes among the ones served', () => {
    const served = routes.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(served).toEqual(
      expect.arrayContaining([
        'POST /persons',
        'GET /persons/:personId/events',
        'PUT /persons/:personId/personal-data',
        'GET /persons/:personId/personal-data',
        'POST /persons/:personId/erasure',
        'POST /persons/:personId/sharing-overrides',
        'GET /audit/access-log',
        'GET /health',
      ]),
    );
  });

  test('every cell answers as the roles say', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const expected = expectedFor(route.method, route.path);
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const anonymous = (await call(route, ownPerson)).status;
      if (expected === 'public' ? [401, 403].includes(anonymous) || anonymous >= 500 : anonymous !== 401) wrong.push(`${name} without a token: ${anonymous}`);
      if (expected === 'public') continue;
      for (const role of ROLES) {
        const status = (await call(route, ownPerson, tokens.get(role))).status;
        if (!expected.includes(role)) {
          if (status !== 403) wrong.push(`${name} as ${role}: ${status}, expected 403`);
        } else if ([401, 403, 404, 429].includes(status) || status >= 500) {
          wrong.push(`${name} as ${role}: ${status}, expected to be let through`);
        }
        if (route.path.includes(':personId') && expected.includes(role)) {
          const elsewhere = (await call(route, otherPerson, tokens.get(role))).status;
          if (elsewhere !== 404) wrong.push(`${name} as ${role} about another organisation's person: ${elsewhere}, expected 404`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
