import Fastify from 'fastify';

/**
 * The baseline of the trigger benchmark: a bare Fastify route that answers with its JSON body,
 * on the port given as the first argument. It prints `listening` when ready.
 */
const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
app.post('/echo', async (request) => request.body);
await app.listen({ host: '127.0.0.1', port });
process.stdout.write('listening\n');
