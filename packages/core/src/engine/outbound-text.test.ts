import { describe, expect, it } from 'vitest';
import { safeErrorText, secretsOfCall, urlCredentialsProblem } from './outbound-text.ts';

describe('urlCredentialsProblem', () => {
  it('refuses a user name or password and says what to use instead', () => {
    expect(urlCredentialsProblem('http://svc:Sup3rS3cret@example.com/x')).toMatch(/header.*stored secret/);
    expect(urlCredentialsProblem('http://token@example.com/')).not.toBeNull();
    expect(urlCredentialsProblem('https://example.com/a?user=x@y')).toBeNull();
  });
});

describe('safeErrorText', () => {
  it('hides header values and URL userinfo, and cuts long texts', () => {
    const secrets = secretsOfCall('http://svc:S%40cret99@example.com/', {
      authorization: 'Bearer tok-123456',
    });
    const text = safeErrorText(
      'failed for http://svc:S%40cret99@example.com/ with Bearer tok-123456 and S@cret99',
      secrets,
    );
    expect(text).not.toMatch(/tok-123456|S%40cret99|S@cret99|svc:/);
    expect(text).toContain('http://[redacted]@example.com/');
    const long = safeErrorText('x'.repeat(10_000), [], 100);
    expect(long.length).toBeLessThan(150);
    expect(long).toContain('9900 more characters');
  });
});
