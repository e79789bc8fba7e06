import type { TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { Authenticator } from './auth/authenticator.ts';
import { Authorizer } from './auth/authorizer.ts';
import { TokenCodec } from './auth/token-codec.ts';

/** What every route plugin and service of the server is built from. */
export interface ServerContext {
  readonly settings: TempoSettings;
  readonly repositories: Repositories;
  readonly tokens: TokenCodec;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly log: Logger;
  /** Version reported by `GET /` and the OpenAPI document. */
  readonly version: string;
}

/** Builds the context from settings, repositories and a logger. */
export const createServerContext = (
  settings: TempoSettings,
  repositories: Repositories,
  log: Logger,
  version: string,
): ServerContext => {
  const tokens = new TokenCodec(settings.auth.signingKey, settings.auth.issuer);
  return {
    settings,
    repositories,
    tokens,
    authenticator: new Authenticator({ repositories, tokens, adminApiKey: settings.auth.adminApiKey }),
    authorizer: new Authorizer(repositories),
    log,
    version,
  };
};
