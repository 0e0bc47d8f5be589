# syntax=docker/dockerfile:1
#
# axilla-cds production image.
#
# NOT BUILT IN CI: no container runtime runs where this repository is developed and tested. This file therefore follows,
# step for step, the production build that test/e2e/production-build.test.ts runs on every `npm test` (and so in
# `.ci/run`): build with dev dependencies -> production-only install from package.json and package-lock.json (better-sqlite3
# compiled from source) -> a runtime holding only node_modules/, dist/, hooks/, cards/, config/ (without
# config/development/), schemas/, package.json, package-lock.json, LICENSE, NOTICE -> `node dist/src/main.js`.
# Change one, change the other.
#
#   docker build -t axilla-cds .
#   docker run -p 3000:3000 -v axilla-data:/data \
#     -e PUBLIC_BASE_URL=https://cds.example.org -e CDS_TRUSTED_ISSUERS=/run/axilla-cds/trusted-issuers.json \
#     -v "$PWD/trusted-issuers.json:/run/axilla-cds/trusted-issuers.json:ro" axilla-cds
#
# See README.md, "Deploy", for the settings, the volume, and readiness (/readyz) versus liveness (/healthz).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: dev dependencies (TypeScript), then `npm run build` -> dist/ ------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# tsc needs only the packages and their types: install scripts off, so nothing is compiled in this stage (the test builds
# with the checkout's node_modules; tsc reads the same files either way).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN npm run build

# --- deps: production dependencies only; better-sqlite3 is compiled here, the compiler never reaches the runtime ---------
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Build better-sqlite3 from source against the image's own Node headers (/usr/local/include/node): no prebuilt binary
# and no headers are downloaded, only npm packages from the registry (as in the test).
ENV NODE_ENV=production \
    npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false --no-audit --no-fund \
  && npm cache clean --force

# --- runtime: slim Node 20, non-root, production dependencies and the service's files only -----------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/axilla-cds.db
WORKDIR /app
# Owned by root and read-only to the service user: the service writes only to /data (SQLite) or to PostgreSQL.
COPY package.json package-lock.json LICENSE NOTICE ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY hooks/ hooks/
COPY cards/ cards/
COPY config/ config/
COPY schemas/ schemas/
# The embedded SQLite store (the default DATABASE_URL); with PostgreSQL (DATABASE_URL=postgresql://...) it stays empty.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
# The `node` user (uid 1000) of the official Node images.
USER node
EXPOSE 3000
# Readiness: 200 once the store answers and the knowledge is loaded. Node's own http client (no curl in slim images).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/readyz',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]
# node itself as PID 1 handles SIGTERM (stop taking calls, flush the audit trail, close the store); no npm in between.
CMD ["node", "dist/src/main.js"]
