# Tempo worker image: executes whole runs the server assigns over the worker WebSocket.
# Build from the repository root: docker/build.sh, or
#   docker build -f docker/worker.Dockerfile -t tempo/worker:0.1.0 .

# The .NET runtime runs Artifact.DotnetProcess handlers (C# steps are built on the server).
FROM mcr.microsoft.com/dotnet/runtime:10.0-bookworm-slim AS dotnet

FROM node:24-bookworm-slim AS deps
WORKDIR /opt/tempo
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/core/package.json packages/core/
COPY apps/worker/package.json apps/worker/
RUN corepack enable \
    && pnpm install --frozen-lockfile --prod --filter "@tempo/worker..." \
    && pnpm store prune

FROM node:24-bookworm-slim
# Runtimes of the handlers a worker runs: python3 (Artifact.Python), node (Artifact.JavaScript,
# from the base image), .NET (Artifact.DotnetProcess); util-linux brings setsid.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 ca-certificates libicu72 util-linux \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
ENV NODE_ENV=production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    TEMPO_WORKER_SETTINGS_FILE=/var/lib/tempo-worker/config/tempo.worker.json
WORKDIR /opt/tempo
COPY --from=deps /opt/tempo ./
COPY packages/contracts ./packages/contracts
COPY packages/core ./packages/core
COPY apps/worker ./apps/worker
COPY docker/worker-entrypoint.sh docker/worker-bootstrap-token.mjs ./docker/
RUN mkdir -p /var/lib/tempo-worker/config /var/lib/tempo-worker/logs /var/lib/tempo-worker/cache \
        /var/lib/tempo-worker/scratch /var/lib/tempo/run-logs \
    && chown -R node:node /var/lib/tempo-worker /var/lib/tempo
USER node
# The worker serves no port: it is healthy while its process runs and its settings load.
HEALTHCHECK --interval=10s --timeout=5s --retries=3 \
    CMD ["node", "-e", "process.kill(1, 0)"]
ENTRYPOINT ["/opt/tempo/docker/worker-entrypoint.sh"]
