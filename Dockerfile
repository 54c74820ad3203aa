# syntax=docker/dockerfile:1
# quota-manager image: the daemon (default command) and, with `npm run mock-gateway`, the mock
# AI gateway. TypeScript runs through tsx, so there is no compile step; the build stage only
# installs dependencies (compiling better-sqlite3 if no prebuilt binary fits) and generates the
# Prisma clients. See docs/configuration.md for the settings and docker-compose.yml for a stack.
# Node 24, the current LTS (Node 20 reached end of life on 2026-04-30); package.json's engines
# still allows 20.19+, and CI runs the suite on both.

# ---- build: compilers live only here -------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The npm the lockfile was made with (package.json `packageManager`): npm 11 honours the
# `allowScripts` policy in package.json, so only the packages listed there run install scripts
# (the npm bundled with a Node image may be older and run every package's scripts).
RUN npm install -g npm@11.19.1 && npm cache clean --force

# `npm ci` runs the postinstall hook (tsx scripts/db-generate.ts → prisma generate), which needs
# the Prisma schemas, prisma.config.ts and the driver module it imports. Copying only these
# first keeps the dependency layer cached until the lockfile or the data model changes.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src/db ./src/db
# Only runtime dependencies: tsx and prisma are among them; vitest and typescript are not needed.
RUN npm ci --omit=dev && npm cache clean --force

# The rest of the source. .dockerignore keeps out node_modules, the generated clients and local
# data, so nothing here overwrites what `npm ci` just built.
COPY . .

# ---- runtime: no compilers, no root --------------------------------------------------------
FROM node:24-bookworm-slim
# HOST=0.0.0.0: inside a container the loopback default would be unreachable from outside.
# No npm update check: the image must start on servers without internet access.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8099 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Code and node_modules stay owned by root (read-only for the service); only data/ is writable,
# for the SQLite default (file:./data/quota-manager.db) when no DATABASE_URL is given.
COPY --from=build /app /app
RUN mkdir -p /app/data && chown node:node /app/data
# The `node` user (uid 1000) ships with the official image.
USER node

EXPOSE 8099
# /healthz answers without auth once the HTTP server is up. Node's fetch, because the slim
# image has neither curl nor wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8099) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# npm forwards SIGTERM to the daemon, which stops cleanly; run with --init (compose: init: true)
# so a PID 1 reaps npm's children too.
CMD ["npm", "start"]
