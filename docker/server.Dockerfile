# Tempo server image: the control plane (REST API, triggers, scheduler, the worker endpoint).
# Build from the repository root: docker/build.sh, or
#   docker build -f docker/server.Dockerfile -t tempo/server:0.1.0 .

# The .NET SDK: C# source steps are compiled on the server (against sdk/csharp).
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS dotnet

FROM node:24-bookworm-slim AS deps
WORKDIR /opt/tempo
# Manifests first, so the dependency layer is reused when only sources change.
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/core/package.json packages/core/
COPY packages/client/package.json packages/client/
COPY apps/server/package.json apps/server/
COPY apps/cli/package.json apps/cli/
RUN corepack enable \
    && pnpm install --frozen-lockfile --prod --filter "@tempo/cli..." \
    && pnpm store prune

FROM node:24-bookworm-slim
# python3 runs Artifact.Python steps on a server that executes workload itself; the .NET SDK
# builds and runs C# steps; util-linux brings setsid (handler process groups).
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 ca-certificates libicu72 util-linux \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
ENV NODE_ENV=production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    TEMPO_SETTINGS_FILE=/var/lib/tempo-server/config/tempo.json
WORKDIR /opt/tempo
COPY --from=deps /opt/tempo ./
COPY packages ./packages
COPY apps/server ./apps/server
COPY apps/cli ./apps/cli
COPY sdk/csharp ./sdk/csharp
# The data folders are owner-only: the settings hold the signing and credential hash keys.
RUN mkdir -p /var/lib/tempo-server/config /var/lib/tempo-server/db /var/lib/tempo-server/artifacts \
        /var/lib/tempo-server/logs /var/lib/tempo-server/cache /var/lib/tempo-server/scratch \
        /var/lib/tempo-server/worker-logs /var/lib/tempo/run-logs \
    && chown -R node:node /var/lib/tempo-server /var/lib/tempo \
    && chmod 0700 /var/lib/tempo-server
USER node
EXPOSE 8901
HEALTHCHECK --interval=5s --timeout=5s --retries=6 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:8901/v1.0/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "apps/cli/src/main.ts"]
CMD ["server"]
