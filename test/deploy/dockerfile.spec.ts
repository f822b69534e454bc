import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Dockerfile, checked without a Docker engine: it must make the image that scripts/check-production-install.sh
 * proves in CI (a built dist beside `npm ci --omit=dev`, started with node, nothing compiled at start), run by a user
 * other than root, and report readiness.
 */
const ROOT = join(__dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/** The build stages, each with its instructions (continuation lines joined, comments left out). */
function readStages(): { args: Instruction[]; stages: Stage[] } {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^\s*(\w+)\s+(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.trim().replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [base, , name] = instruction.args.split(' ');
      stages.push({ name, base, instructions: [] });
    } else if (stages.length === 0) {
      args.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { args, stages };
}

function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

function last(stage: Stage, keyword: string): string | undefined {
  return all(stage, keyword).at(-1);
}

describe('Dockerfile', () => {
  const { args, stages } = readStages();
  const build = stages[0];
  const run = stages[stages.length - 1];

  test('is multi-stage, both stages on Node 20 bookworm-slim pinned to a minor, as CI and the engines field', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const image = args.find((arg) => arg.args.startsWith('NODE_IMAGE='))?.args.split('=')[1];
    expect(image).toMatch(/^node:20\.\d+-bookworm-slim$/);
    for (const stage of stages) expect(stage.base).toBe('${NODE_IMAGE}');
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=20\./);
  });

  test('the build stage installs with the development dependencies and builds dist', () => {
    const commands = all(build, 'RUN');
    expect(commands).toContain('npm ci --ignore-scripts --no-audit --no-fund');
    expect(commands).toContain('npm run build');
  });

  test('the run stage installs the production dependencies only, as the production install check, and takes dist alone from the build', () => {
    const commands = all(run, 'RUN').join(' && ');
    expect(commands).toMatch(/npm ci --omit=dev --ignore-scripts\b/);
    expect(readFileSync(join(ROOT, 'scripts', 'check-production-install.sh'), 'utf8')).toMatch(/npm ci --omit=dev\b/);
    expect(all(run, 'COPY').filter((copy) => copy.startsWith('--from='))).toEqual([`--from=${build.name} /app/dist ./dist`]);
    expect(all(run, 'COPY').join(' ')).not.toMatch(/\bsrc\b|tsconfig/);
    expect(last(run, 'ENV')).toMatch(/\bNODE_ENV=production\b/);
  });

  test('runs as the node image user, not root', () => {
    const user = last(run, 'USER');
    expect(user).toBe('node');
  });

  test('starts the built app with node, compiling nothing, on port 3000', () => {
    expect(JSON.parse(last(run, 'CMD') ?? 'null')).toEqual(['node', 'dist/src/main.js']);
    expect(all(run, 'EXPOSE')).toEqual(['3000']);
  });

  test('reports readiness (/health/ready) through node, as a slim image has no curl', () => {
    const healthcheck = last(run, 'HEALTHCHECK') ?? '';
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain('/health/ready');
    expect(command[2]).toMatch(/process\.exit\(r\.ok \? 0 : 1\)/);
  });

  test('.dockerignore keeps local data, secrets and installs out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.data', '.env', 'node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
  });
});
