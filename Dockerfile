# The gateway as an image: the built server (dist/), production dependencies only, git, a
# non-root user. Build and run it:
#   docker build -t hedgehog-gitops-gateway:0.1.0 .
#   docker run -p 4000:4000 -e DATABASE_URL=... -e GATEWAY_SECRET_KEY=... hedgehog-gitops-gateway:0.1.0
# docker-compose.yml (with its own PostgreSQL) and deploy/ (Kubernetes) use it; see the README.

# 1. Compile: every dependency, then `npm run build` (type check + emit to dist/).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY src ./src
RUN npm run build

# 2. The production dependencies alone.
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# 3. What runs: git (the gateway runs it for Git remotes other than GitHub), the production
# dependencies and dist/. scripts/run-built.mjs and build.mjs let `npm start` and
# `npm run token:create` work in the image too (with no sources here, dist/ is used as it is).
FROM node:24-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# NODE_COMPILE_CACHE: Node keeps the compiled code of dist/ and node_modules there, so a restart of
# the container (same image, same /tmp) skips most of the compilation (docs/architecture.md).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data NODE_COMPILE_CACHE=/tmp/node-compile-cache
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/run-built.mjs scripts/build.mjs ./scripts/
# The image's `node` user (uid 1000) owns only the data directory.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 4000
# Healthy = ready: the database answers and every migration is applied (/healthz: the process is up).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --max-semi-space-size=16: V8's young generation at most 2 x 16 MiB (Node's default grows it to
# 2 x 64 MiB under load, resident for good); the same flag as `npm start` (docs/performance.md).
CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]
