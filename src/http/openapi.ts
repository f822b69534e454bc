import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
  type ResponsesObject,
  type SchemaObject,
} from '@nestjs/swagger';
import type { Role } from '../auth/actor';
import { routeAccess } from '../auth/auth.guard';
import type { Problem } from './problem';

const PROBLEM_JSON = 'application/problem+json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const FIELD_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['field', 'reason'],
  properties: {
    field: { type: 'string', description: 'The bad field, as the request names it: `occurredAt`, `goals[1].domain`, `X-Access-Purpose`' },
    reason: { type: 'string', description: 'What is wrong with it; never the value refused' },
    line: { type: 'integer', minimum: 1, description: 'A refused import: the line of the file' },
  },
};

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details: the one shape of every error answer',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A URI reference naming the kind of problem, e.g. `about:blank#invalid-request`' },
    title: { type: 'string' },
    status: { type: 'integer', description: 'The HTTP status code' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' }, description: 'Every bad field, for a 400' },
    rule: { type: 'string', description: 'The rule broken, for a 422, e.g. `holding_organisation_only`' },
    moreBadLines: { type: 'integer', minimum: 0, description: 'A refused import: how many bad lines there were beyond those `errors` lists' },
    failedChecks: { type: 'object', additionalProperties: true, description: 'Not ready: each health check that failed, with what it measured' },
  } satisfies Record<keyof Problem, unknown>,
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

type Access = ReturnType<typeof routeAccess>;

/**
 * The OpenAPI document served at /docs: what the controllers' decorators state, completed with what every route
 * shares and no decorator states (see `completed`).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('journey-ledger')
      .setDescription('Event-sourced record of survivors\u2019 journeys: every command appends immutable events.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
    { operationIdFactory: operationId },
  );
  return completed(document, accessByOperation(app));
}

const operationId = (controller: string, handler: string) => `${controller}_${handler}`;

/** Who may call each operation, from the metadata the guard reads, by operationId. */
function accessByOperation(app: INestApplication): Map<string, Access> {
  const reflector = app.get(Reflector);
  const access = new Map<string, Access>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as new () => object;
      for (const handler of Object.getOwnPropertyNames(controller.prototype)) {
        const method: unknown = Object.getOwnPropertyDescriptor(controller.prototype, handler)?.value;
        if (handler === 'constructor' || typeof method !== 'function') continue;
        access.set(operationId(controller.name, handler), routeAccess(reflector, [method, controller]));
      }
    }
  }
  return access;
}

/**
 * Every error answer is a problem document (RFC 9457), whatever its decorator said. Every route the guard protects
 * answers 401 without a valid token, 403 to a role it does not admit, and 429 to an address that failed
 * authentication too often. And what shared pieces answer, wherever they are used: 400 for a bad parameter or
 * body (the validation pipe), 404 for an unknown or inaccessible person, 503 while a read model has not reached
 * `minPosition`. An answer a route documents itself keeps its description.
 */
function completed(document: OpenAPIObject, access: Map<string, Access>): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA, FieldError: FIELD_ERROR_SCHEMA } };
  for (const path of Object.values(document.paths)) {
    for (const operation of METHODS.flatMap((method) => path[method] ?? [])) {
      const allowed = operation.operationId === undefined ? undefined : access.get(operation.operationId);
      if (allowed === undefined) throw new Error(`No route access known for the operation ${String(operation.operationId)}`);
      operation.responses = withProblems({ ...sharedAnswers(operation), ...(allowed === 'public' ? {} : guardAnswers(allowed)), ...operation.responses });
    }
  }
  return document;
}

function sharedAnswers({ parameters = [], requestBody }: OperationObject): Record<string, ResponseObject> {
  const named = (where: string, name: string) => parameters.some((parameter) => 'in' in parameter && parameter.in === where && parameter.name === name);
  return {
    ...(parameters.length > 0 || requestBody ? { 400: { description: 'Invalid request: `errors` names every bad field' } } : {}),
    ...(named('path', 'personId') ? { 404: { description: 'No such person (or not one your organisation may access)' } } : {}),
    ...(named('query', 'minPosition')
      ? { 503: { description: 'The read model has not reached `minPosition` within 5 s; nothing was read', headers: RETRY_AFTER } }
      : {}),
  };
}

function guardAnswers(roles: readonly Role[]): Record<string, ResponseObject> {
  return {
    401: {
      description: 'A bearer token is required, or it is invalid or expired',
      headers: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } },
    },
    403: { description: `The token\u2019s roles do not admit this route (it is for: ${roles.join(', ') || 'nobody'})` },
    429: { description: 'Too many failed authentications from this address: nothing is checked until `Retry-After` has passed', headers: RETRY_AFTER },
  };
}

function withProblems(responses: ResponsesObject): ResponsesObject {
  return Object.fromEntries<ResponsesObject[string]>(
    Object.entries(responses).map(([status, response]) =>
      Number(status) >= 400 && response !== undefined && 'description' in response
        ? [status, { ...response, content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } } }]
        : [status, response],
    ),
  );
}
