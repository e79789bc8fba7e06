import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

/** Content types of the files a Vite build writes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions {
  /** The built dashboard (`apps/dashboard/dist`). */
  readonly root: string;
  /** The Tempo server the dashboard talks to, answered at `/config.json`. */
  readonly serverUrl: string;
  readonly port: number;
  /** Listen address; default `127.0.0.1`. */
  readonly host?: string;
}

/** A running dashboard server. */
export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * The file a URL path names inside `root`, or null when it names none: a path that does not
 * decode, holds a NUL or a backslash, or leads outside `root` (also through a link) names none.
 */
export const fileInRoot = async (root: string, urlPath: string): Promise<string | null> => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const candidate = resolve(root, `.${decoded}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  try {
    const real = await realpath(candidate);
    const realRoot = await realpath(root);
    if (!real.startsWith(realRoot + sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
};

const send = (response: ServerResponse, status: number, type: string, body: string) => {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
};

const serveFile = async (
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  cacheable: boolean,
) => {
  const info = await stat(file);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    // Vite names assets by content hash: they never change; index.html must always be fresh.
    'cache-control': cacheable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
};

const handler =
  (root: string, config: string) => async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
      return;
    }
    const urlPath = (request.url ?? '/').split('?')[0] ?? '/';
    if (urlPath === '/config.json') {
      send(response, 200, 'application/json; charset=utf-8', config);
      return;
    }
    const file = urlPath === '/' ? null : await fileInRoot(root, urlPath);
    if (file !== null) {
      await serveFile(request, response, file, urlPath.startsWith('/assets/'));
      return;
    }
    // A missing asset is a 404; any other path is a route of the single-page app.
    if (urlPath.startsWith('/assets/') || extname(urlPath) !== '') {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return;
    }
    const index = await fileInRoot(root, '/index.html');
    if (index === null) {
      send(response, 503, 'text/plain; charset=utf-8', 'The dashboard is not built.\n');
      return;
    }
    await serveFile(request, response, index, false);
  };

/** Serves a built dashboard over HTTP, with `/config.json` naming its Tempo server. */
export const startDashboardServer = async (options: DashboardServerOptions): Promise<DashboardServer> => {
  const root = resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  const serve = handler(root, JSON.stringify({ serverUrl: options.serverUrl }));
  const server: Server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
};
