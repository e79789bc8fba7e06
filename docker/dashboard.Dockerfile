# Tempo dashboard image: the built React dashboard served by nginx on port 80.
# Build from the repository root: docker/build.sh, or
#   docker build -f docker/dashboard.Dockerfile -t tempo/dashboard:0.1.0 .
FROM node:24-bookworm-slim AS build
WORKDIR /opt/tempo
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/client/package.json packages/client/
COPY apps/dashboard/package.json apps/dashboard/
RUN corepack enable && pnpm install --frozen-lockfile --filter "@tempo/dashboard..."
COPY packages/contracts ./packages/contracts
COPY packages/client ./packages/client
COPY apps/dashboard ./apps/dashboard
RUN pnpm --filter @tempo/dashboard build

FROM nginx:1.29-bookworm
COPY docker/dashboard-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /opt/tempo/apps/dashboard/dist /usr/share/nginx/html
EXPOSE 80
HEALTHCHECK --interval=10s --timeout=5s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1/healthz"]
