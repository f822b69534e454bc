#!/usr/bin/env node
/**
 * `node scripts/build.js`: compiles the app into dist/ from scratch (dist is emptied first, so a deleted source,
 * such as a migration, never lingers as a stale .js that would still run).
 * `node scripts/build.js --if-changed`: compiles only when a source is newer than the last build, so `npm start`
 * and the CLI start at once. In a production install (`npm ci --omit=dev`) beside a built dist, it builds nothing.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
const SOURCES = ['src', 'projections', 'test/bench', 'test/support', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

function typescriptInstalled() {
  try {
    require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

function build() {
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv.includes('--if-changed')) {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  // A production install (the Dockerfile's) has the built dist beside it and neither the sources nor, usually, the
  // compiler: there is nothing to build, only a dist to require.
  if (!existsSync(join(ROOT, 'src')) || !typescriptInstalled()) {
    if (built === 0) {
      console.error('dist/ is not built, and the sources or TypeScript are missing: run `npm ci` (with development dependencies) in a checkout first');
      process.exit(1);
    }
  } else if (built === 0 || SOURCES.some((source) => newest(join(ROOT, source)) > built)) {
    build();
  }
} else {
  build();
}
