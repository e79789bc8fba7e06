import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The product version this server reports (`GET /`, OpenAPI `info.version`, its server_instances
 * row): the root package.json's, the one place a release sets it. The workspace packages carry
 * versions of their own that nobody outside the repository sees.
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
