# Tempo MCP server image: every operator action for AI agents, a client of the REST API.
# Build from the repository root: docker/build.sh, or
#   docker build -f docker/mcp.Dockerfile -t tempo/mcp:0.1.0 .
FROM node:24-bookworm-slim AS deps
WORKDIR /opt/tempo
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/client/package.json packages/client/
COPY apps/mcp/package.json apps/mcp/
RUN corepack enable \
    && pnpm install --frozen-lockfile --prod --filter "@tempo/mcp..." \
    && pnpm store prune

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/tempo
COPY --from=deps /opt/tempo ./
COPY packages/contracts ./packages/contracts
COPY packages/client ./packages/client
COPY apps/mcp ./apps/mcp
RUN mkdir -p /var/lib/tempo-mcp/config && chown -R node:node /var/lib/tempo-mcp
# The MCP server reads ./tempo.mcp.json when present (defaults and TEMPO_* variables otherwise):
# it runs in the configuration volume.
WORKDIR /var/lib/tempo-mcp/config
USER node
EXPOSE 8910 8911 8912
HEALTHCHECK --interval=10s --timeout=5s --retries=3 \
    CMD ["node", "-e", "require('node:net').connect(8910,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "/opt/tempo/apps/mcp/src/main.ts"]
