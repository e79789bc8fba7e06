import {
  TokenDetailsResponse,
  type TokenRequest,
  TokenResponse,
  TokenValidityResponse,
} from '@tempo/contracts';
import type { z } from 'zod';
import type { HttpTransport } from './http-transport.ts';

/** Sign-in (`/v1.0/token`) and what the server makes of this client's credentials. */
export class TokenClient {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /**
   * Signs in with an email and a password (plain or SHA-256 hex) and resolves to a bearer token;
   * use it with `client.withCredentials({ token })`. Repeated failures end in 429.
   */
  issue(body: z.input<typeof TokenRequest>): Promise<TokenResponse> {
    return this.#transport.request('POST', '/v1.0/token', TokenResponse, { body });
  }

  /** Whether this client's credentials are valid; missing or wrong ones answer `valid: false`, not 401. */
  check(): Promise<TokenValidityResponse> {
    return this.#transport.request('GET', '/v1.0/token', TokenValidityResponse);
  }

  /**
   * Signs out everywhere: every token of this client's user or administrator stops working, the
   * one this client holds included (sign in again for a new one). 401 without valid credentials.
   */
  revoke(): Promise<void> {
    return this.#transport.send('POST', '/v1.0/token/revoke');
  }

  /** Who this client's credentials belong to; 401 without valid credentials. */
  details(): Promise<TokenDetailsResponse> {
    return this.#transport.request('GET', '/v1.0/token/details', TokenDetailsResponse);
  }
}
