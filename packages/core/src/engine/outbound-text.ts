/** The placeholder a hidden secret becomes. */
const REDACTED = '[redacted]';

/** Secrets shorter than this are left as they are: hiding them would garble ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Longest error text a REST step stores, in characters, whatever the parts that made it. */
export const MAX_OUTBOUND_ERROR_CHARS = 8192;

/** `scheme://user:password@` in any text: the userinfo part is replaced. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/**
 * Why a step URL may not be saved: one with a user name or password in it would put a secret
 * into the step record and every error text about the call. Null when the URL carries none.
 */
export const urlCredentialsProblem = (url: string): string | null => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.username === '' && parsed.password === ''
    ? null
    : 'url must not include a user name or password: send credentials in a header (such as Authorization), ' +
        'or keep them in a stored secret the step references.';
};

/** A URL as error texts may quote it: userinfo, query and fragment left out. */
export const describeUrl = (url: URL): string => `${url.protocol}//${url.host}${url.pathname}`;

/**
 * Makes a text safe to store as a step's error: every given secret (header values, URL
 * userinfo) and any `scheme://user:pass@` userinfo replaced, then cut to a bound, so neither a
 * transport error that quotes its input nor a large response body reaches the run record whole.
 */
export const safeErrorText = (
  text: string,
  secrets: readonly string[],
  maxChars = MAX_OUTBOUND_ERROR_CHARS,
): string => {
  let safe = text.replace(USERINFO, `$1${REDACTED}@`);
  const longestFirst = [...new Set(secrets)]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) safe = safe.split(secret).join(REDACTED);
  return safe.length <= maxChars
    ? safe
    : `${safe.slice(0, maxChars)}… (${safe.length - maxChars} more characters)`;
};

/** The secrets a call carries: header values and the URL's user name and password, decoded and not. */
export const secretsOfCall = (url: string, headers: Readonly<Record<string, string>>): string[] => {
  const secrets = Object.values(headers);
  try {
    const parsed = new URL(url);
    for (const part of [parsed.username, parsed.password]) {
      if (part === '') continue;
      secrets.push(part);
      try {
        secrets.push(decodeURIComponent(part));
      } catch {
        // A malformed escape has no decoded form; the raw form is already listed.
      }
    }
  } catch {
    // An unparsable URL is refused before any call, with no userinfo to hide.
  }
  return secrets;
};
