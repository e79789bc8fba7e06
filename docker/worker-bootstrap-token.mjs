// Issues the worker's token for the image's entry point (spec: the Docker worker entrypoint):
// waits for the server's health, calls rotate-token with the bootstrap admin key, and prints the
// token on stdout. Exits 1 when the server refuses.
const env = process.env;
const say = (line) => process.stderr.write(`tempo worker entrypoint: ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const endpoint = (env.TEMPO_WORKER_SERVER_ENDPOINT || 'http://tempo-server:8901').replace(/\/+$/, '');
const workerId = env.TEMPO_WORKER_ID;

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
  headers: { 'x-api-key': env.TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY },
});
const body = await answer.json().catch(() => null);
if (answer.status !== 200 || typeof body?.token !== 'string') {
  say(`rotate-token for ${workerId} answered ${answer.status}; cannot start without a token`);
  process.exit(1);
}
say(`token issued for ${workerId}`);
process.stdout.write(body.token);
