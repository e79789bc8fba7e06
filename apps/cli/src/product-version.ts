import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths.ts';

/**
 * The product version: the root package.json's, which the server reports as well (`GET /`,
 * OpenAPI `info.version`). Read on demand so other commands never pay for it.
 */
export const productVersion = (): string =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
