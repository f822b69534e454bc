#!/usr/bin/env bash
# The production install, as the Dockerfile makes it: `npm ci --omit=dev` beside a built dist (no TypeScript, no
# compiling at start). It must start on the embedded default and answer /health; CI runs this after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/.built ] || node scripts/build.js
dir=$(mktemp -d)
chmod 755 "$dir"
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
cp -r package.json package-lock.json scripts dist "$dir"/
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# A development dependency present would mean the install was not a production one (TypeScript itself may come
# with a runtime package: @nestjs/swagger 12 depends on it, which compiles nothing at start).
[ ! -e "$dir/node_modules/jest" ] || { echo "jest was installed: not a production install" >&2; exit 1; }
port=$((20000 + RANDOM % 20000))
(cd "$dir" && PORT=$port JOURNEY_PG_PORT=$((port + 1)) JOURNEY_DATA_DIR="$dir/.data" LOG_LEVEL=warn exec node dist/src/main.js) &
pid=$!
for _ in $(seq 1 90); do
  if node -e "fetch('http://127.0.0.1:$port/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    echo "production install: /health answers 200"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "production install: the app exited before answering /health" >&2; exit 1; }
  sleep 1
done
echo "production install: /health did not answer within 90 s" >&2
exit 1
