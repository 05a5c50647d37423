# syntax=docker/dockerfile:1
# One image for every Herald process: api (default), worker, digest and the one-shot migrate step.
#   docker build -t herald .
#   docker run herald                                              # API
#   docker run herald node --max-semi-space-size=8 --heap-growing-percent=30 apps/worker/dist/main.js
#   docker run herald node apps/digest/dist/main.js
#   docker run herald node apps/api/dist/migrate.js                # migrations, before rolling the others
# test/e2e/container.int.test.ts assembles the runtime stage's files the same way (build, production dependencies
# of this lock file, the COPY lines below) and starts each process from them with plain node.

ARG NODE_IMAGE=node:24-bookworm-slim

# Only what `npm ci` needs (workspace manifests, the lock file, the Prisma schema and the scripts its postinstall
# uses), so editing source does not invalidate the dependency layers.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name prisma.config.ts \
      ! -path './scripts/*' ! -path './prisma/*' -delete \
 && find . -type d -empty -delete

# Build: every dependency, the generated Prisma client, then the esbuild bundles (apps/*/dist).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run db:generate && npm run build

# Production dependencies only. Install scripts are skipped: the only one Herald needs (prisma generate) ran in
# the build stage and its output is inside the bundles. Workspace links are dropped: the bundles inline @herald/*.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@herald \
 && npm cache clean --force

# Runtime: bundles, production dependencies and the migrations; no sources, no dev tools; runs as `node`.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/apps/api/dist ./apps/api/dist
COPY --from=build /app/apps/worker/dist ./apps/worker/dist
COPY --from=build /app/apps/digest/dist ./apps/digest/dist
COPY --from=build /app/apps/console/dist ./apps/console/dist
RUN mkdir -p .herald && chown node:node .herald
USER node
EXPOSE 3000
# /readyz answers 200 once the database and Redis answer. Worker and digest serve no HTTP: compose turns it off.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/main.js"]
