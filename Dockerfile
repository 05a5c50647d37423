# syntax=docker/dockerfile:1
# One image for every Herald process (api, worker, digest, migrate); docker-compose.yml picks the command.

# Only what `npm ci` needs (workspace manifests, the lock file, and the Prisma schema and script its
# postinstall uses), so editing source does not invalidate the dependency layer.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name prisma.config.ts \
      ! -path './scripts/*' ! -path './prisma/*' -delete \
 && find . -type d -empty -delete

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=manifests /app ./
# Dev dependencies are kept: the Prisma CLI (a dev dependency) generates the client.
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .
RUN npm run db:generate \
 && mkdir -p .herald && chown node:node .herald

ENV NODE_ENV=production
USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
