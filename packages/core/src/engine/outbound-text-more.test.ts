import { describe, expect, it } from 'vitest';
import {
  describeUrl,
  MAX_OUTBOUND_ERROR_CHARS,
  safeErrorText,
  secretsOfCall,
  urlCredentialsProblem,
} from './outbound-text.ts';

describe('urlCredentialsProblem', () => {
  it('says exactly what to do instead, and leaves a text that is no URL to other checks', () => {
    expect(urlCredentialsProblem('http://:pw@example.com/')).toBe(
      'url must not include a user name or password: send credentials in a header (such as Authorization), ' +
        'or keep them in a stored secret the step references.',
    );
    expect(urlCredentialsProblem('not a url')).toBeNull();
    expect(urlCredentialsProblem('http://example.com/')).toBeNull();
  });
});

describe('describeUrl', () => {
  it('leaves out userinfo, query and fragment', () => {
    expect(describeUrl(new URL('https://u:p@example.com:8443/a/b?token=x#frag'))).toBe(
      'https://example.com:8443/a/b',
    );
  });
});

describe('safeErrorText', () => {
  it('hides secrets of four characters or more, and leaves shorter ones', () => {
    expect(safeErrorText('key abc and abcd', ['abc'])).toBe('key abc and abcd');
    expect(safeErrorText('key abcd here', ['abcd'])).toBe('key [redacted] here');
  });

  it('hides the longest secret first, so no part of it is left', () => {
    expect(safeErrorText('token abcdefgh', ['abcd', 'abcdefgh', 'abcd'])).toBe('token [redacted]');
  });

  it('hides userinfo of any scheme', () => {
    expect(safeErrorText('see ftp://me:pw@host/x and HTTPS://a@b', [])).toBe(
      'see ftp://[redacted]@host/x and HTTPS://[redacted]@b',
    );
  });

  it('keeps a text of exactly the bound, and cuts one character more', () => {
    expect(safeErrorText('x'.repeat(10), [], 10)).toBe('x'.repeat(10));
    expect(safeErrorText('x'.repeat(11), [], 10)).toBe(`${'x'.repeat(10)}… (1 more characters)`);
    expect(safeErrorText('y'.repeat(MAX_OUTBOUND_ERROR_CHARS + 2), [])).toBe(
      `${'y'.repeat(MAX_OUTBOUND_ERROR_CHARS)}… (2 more characters)`,
    );
  });
});

describe('secretsOfCall', () => {
  it('lists header values and the URL user name and password, raw and decoded', () => {
    expect(secretsOfCall('http://us%20er:p%40ss@example.com/', { authorization: 'Bearer t' })).toEqual([
      'Bearer t',
      'us%20er',
      'us er',
      'p%40ss',
      'p@ss',
    ]);
    expect(secretsOfCall('http://only@example.com/', {})).toEqual(['only', 'only']);
    expect(secretsOfCall('http://:pass@example.com/', {})).toEqual(['pass', 'pass']);
  });

  it('keeps the raw form of a malformed escape, and lists nothing more for a text that is no URL', () => {
    expect(secretsOfCall('http://a%E0%A4%A@example.com/', {})).toEqual(['a%E0%A4%A']);
    expect(secretsOfCall('no url', { 'x-key': 'value' })).toEqual(['value']);
  });
});
