import type * as Http from 'node:http';
import { createRequire } from 'node:module';

/**
 * `node:http`, loaded through `require`. Importing it as an ES module builds a facade that reads
 * every export, and reading `http.WebSocket` loads Node's bundled undici: about 40 ms of CPU at
 * every start of a process that never opens a WebSocket or calls `fetch`.
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof Http;
