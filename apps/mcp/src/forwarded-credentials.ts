import type { McpTempoSettings } from './mcp-settings.ts';

/**
 * The headers that carry the configured credentials to Tempo, as the reference sends them
 * (spec §1.4): `x-token`, `x-api-key`, the access key as `Authorization: Bearer` when it is the
 * only credential and as `x-access-key` beside another, and the default tenant as `x-tenant-id`.
 */
export const forwardedCredentialHeaders = (tempo: McpTempoSettings): Record<string, string> => {
  const headers: Record<string, string> = {};
  if (tempo.token) headers['x-token'] = tempo.token;
  if (tempo.apiKey) headers['x-api-key'] = tempo.apiKey;
  if (tempo.accessKey) {
    if (tempo.token || tempo.apiKey) headers['x-access-key'] = tempo.accessKey;
    else headers.authorization = `Bearer ${tempo.accessKey}`;
  }
  if (tempo.defaultTenantId) headers['x-tenant-id'] = tempo.defaultTenantId;
  return headers;
};
