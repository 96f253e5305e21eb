# syntax=docker/dockerfile:1
# One image for the API, the worker and the migration job; docker-compose.yml picks the command.

FROM node:20-bookworm AS build
WORKDIR /app
# The Temporal CLI binaries are for local development only; containers talk to the Temporal service.
ENV NAPFLOW_SKIP_TOOLS=1
COPY package.json package-lock.json ./
# dependency patches (patches/README.md), applied by npm ci's postinstall
COPY patches ./patches
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    NAPFLOW_DATA_DIR=/var/lib/napflow \
    NAPFLOW_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
RUN groupadd --system napflow && useradd --system --gid napflow --home /app napflow \
    && mkdir -p /var/lib/napflow && chown napflow:napflow /var/lib/napflow
COPY --from=build --chown=napflow:napflow /app/package.json ./
COPY --from=build --chown=napflow:napflow /app/node_modules ./node_modules
COPY --from=build --chown=napflow:napflow /app/dist ./dist
COPY --from=build --chown=napflow:napflow /app/apps/dashboard/dist ./apps/dashboard/dist
USER napflow
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
