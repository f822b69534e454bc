# The production image, made as scripts/check-production-install.sh proves in CI: a dist built with the development
# dependencies, run beside a production install (`npm ci --omit=dev`), never compiled at start.
#
# Node 20 on Debian bookworm, as CI's machine and package.json's engines (>=20.19): the image runs the Node the
# suite ran on. Pinned to its minor so that a rebuild does not move to another one unnoticed.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here, and the embedded PostgreSQL's binaries are
# never started in a build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY projections ./projections
COPY test/bench ./test/bench
COPY test/support ./test/support
RUN npm run build

FROM ${NODE_IMAGE} AS run
ENV NODE_ENV=production \
    PORT=3000 \
    JOURNEY_DATA_DIR=/var/lib/journey-ledger
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. No install scripts: the one listed in allowScripts fetches nothing but makes the
# embedded PostgreSQL runnable, and the image always runs on DATABASE_URL.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Keys made on first use (the checkpoint signing key; the KEK when JOURNEY_KEK is not given) live here: a volume.
RUN mkdir -p "$JOURNEY_DATA_DIR" && chown node:node "$JOURNEY_DATA_DIR"
USER node
EXPOSE 3000
# Readiness, not liveness: the database and event store answer and the read models keep up. No curl in a slim image,
# so Node's own fetch asks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
