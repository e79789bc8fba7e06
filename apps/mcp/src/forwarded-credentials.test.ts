import { describe, expect, it } from 'vitest';
import { forwardedCredentialHeaders } from './forwarded-credentials.ts';
import { McpTempoSettings } from './mcp-settings.ts';

const headersOf = (tempo: Record<string, string>) =>
  forwardedCredentialHeaders(McpTempoSettings.parse(tempo));

describe('forwardedCredentialHeaders', () => {
  it('sends each setting in the header the reference uses', () => {
    expect(headersOf({ token: 'tok' })).toEqual({ 'x-token': 'tok' });
    expect(headersOf({ apiKey: 'key' })).toEqual({ 'x-api-key': 'key' });
    expect(headersOf({ defaultTenantId: 'ten_1' })).toEqual({ 'x-tenant-id': 'ten_1' });
  });

  it('sends an access key as a bearer only when it is the sole credential', () => {
    expect(headersOf({ accessKey: 'pub_1' })).toEqual({ authorization: 'Bearer pub_1' });
    expect(headersOf({ accessKey: 'pub_1', apiKey: 'key' })).toEqual({
      'x-api-key': 'key',
      'x-access-key': 'pub_1',
    });
    expect(headersOf({ accessKey: 'pub_1', token: 'tok', defaultTenantId: 'ten_1' })).toEqual({
      'x-token': 'tok',
      'x-access-key': 'pub_1',
      'x-tenant-id': 'ten_1',
    });
  });

  it('sends nothing when nothing is configured', () => {
    expect(headersOf({})).toEqual({});
  });
});
