// The worker image's entry point (spec: the Docker worker entrypoint). When no token is given
// and TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY is, it waits for the server's health, issues this
// worker's token through rotate-token, and then starts the worker with it as a child process
// whose environment holds the token but not the admin key; a restart issues a new token.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

const env = process.env;
const say = (line) => process.stderr.write(`tempo worker entrypoint: ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const host = hostname().replace(/[^A-Za-z0-9]/g, '_');

env.TEMPO_WORKER_ID ||= `wrk_${host}`;
env.TEMPO_WORKER_NAME ||= `tempo-worker-${hostname()}`;

const issueToken = async (endpoint, adminKey, workerId) => {
  for (;;) {
    const healthy = await fetch(`${endpoint}/v1.0/api/health`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (healthy) break;
    await sleep(2000);
  }
  const answer = await fetch(`${endpoint}/v1.0/workers/${encodeURIComponent(workerId)}/rotate-token`, {
    method: 'POST',
    headers: { 'x-api-key': adminKey },
  });
  const body = await answer.json().catch(() => null);
  if (answer.status !== 200 || typeof body?.token !== 'string') {
    say(`rotate-token for ${workerId} answered ${answer.status}; cannot start without a token`);
    process.exit(1);
  }
  return body.token;
};

const adminKey = env.TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY?.trim();
if (!env.TEMPO_WORKER_TOKEN?.trim() && adminKey) {
  const endpoint = (env.TEMPO_WORKER_SERVER_ENDPOINT || 'http://tempo-server:8901').replace(/\/+$/, '');
  env.TEMPO_WORKER_TOKEN = await issueToken(endpoint, adminKey, env.TEMPO_WORKER_ID);
  say(`token issued for ${env.TEMPO_WORKER_ID}`);
}
// The admin key is needed for nothing else: the worker (and so its handlers) never sees it.
delete env.TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY;
// Settings are read from the environment and TEMPO_WORKER_SETTINGS_FILE by the worker itself.
const main = fileURLToPath(new URL('../apps/worker/src/main.ts', import.meta.url));
const worker = spawn(process.execPath, [...process.execArgv, main], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => worker.kill(signal));
worker.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
