import { createServer } from 'node:http';

/**
 * The step target of the distributed benchmark, in a process of its own so the load generator's
 * work cannot delay its timers: `GET /wait?ms=N` answers `{"ok":true}` after N ms, spending no
 * CPU while it waits. Listens on the port given as the first argument; prints `listening`.
 */
const port = Number(process.argv[2]);
const server = createServer((request, response) => {
  const ms = Number(new URL(request.url ?? '/', 'http://target').searchParams.get('ms') ?? '0');
  setTimeout(() => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  }, ms);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
