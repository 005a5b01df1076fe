# OctoLLM: one image for every role (api, worker, services, or all of them with `start`).
# In Docker, PostgreSQL and Temporal are separate containers (see temporal-docker-compose.yml):
# set DATABASE_URL and TEMPORAL_ADDRESS, and nothing embedded is started.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
RUN node scripts/prisma-generate.cjs && npx tsc -p tsconfig.build.json \
    && node dist/runtime/workflow-bundle.js && npm prune --omit=dev

FROM node:20.20-bookworm-slim
# Two malloc arenas instead of up to 8 per core: the SDK's native threads otherwise each grow
# their own, about 40 MB more RSS in a worker with 100 tasks in flight (README, "Worker memory").
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    API_HOST=0.0.0.0 \
    SERVICES_HOST=0.0.0.0 \
    OCTOLLM_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8000 8101 8102 8110 8111 8112 8113 8114
ENTRYPOINT ["node", "dist/main.js"]
CMD ["start"]
