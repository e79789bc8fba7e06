// Runs the test app's handler as a real child process over pipes, as the engine does.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HANDLER = fileURLToPath(new URL('../test-app/handler.cjs', import.meta.url));

const baseEnvironment = () => {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('TEMPO_') || name.startsWith('NODE_TEST')) delete env[name];
  return env;
};

/** One-shot: writes `input`, closes stdin, resolves to the exit code and both outputs. */
export const runOnce = (input, env = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HANDLER], { env: { ...baseEnvironment(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });

/** Persistent: a child offered persistent mode, with a line reader over its stdout. */
export const startPersistent = (env = {}) => {
  const child = spawn(process.execPath, [HANDLER], {
    env: { ...baseEnvironment(), TEMPO_PERSISTENT_PROTOCOL: '1', ...env },
  });
  const lines = [];
  const waiters = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffered += chunk;
    let at = buffered.indexOf('\n');
    while (at >= 0) {
      lines.push(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
      at = buffered.indexOf('\n');
    }
    while (waiters.length > 0 && lines.length > 0) waiters.shift()(lines.shift());
  });
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    /** The next stdout line (bounded wait). */
    nextLine: (timeoutMs = 10_000) =>
      lines.length > 0
        ? Promise.resolve(lines.shift())
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no line from the child in time')), timeoutMs);
            waiters.push((line) => {
              clearTimeout(timer);
              resolve(line);
            });
          }),
    /** Sends one invoke frame. */
    invoke: (request, environment = {}) =>
      child.stdin.write(`${JSON.stringify({ type: 'invoke', request, environment })}\n`),
    /** Frames up to and including the next result frame. */
    async untilResult() {
      const frames = [];
      for (;;) {
        const frame = JSON.parse(await this.nextLine());
        frames.push(frame);
        if (frame.type === 'result') return frames;
      }
    },
  };
};

/** A request as the engine sends it. */
export const requestOf = (data, extra = {}) => ({
  protocolVersion: '1.0',
  tenantId: 'ten_test',
  dataFlowId: 'flow_test',
  flowRunId: 'run_test',
  stepRunId: 'sru_test',
  requestId: 'req_test',
  data,
  metadata: { origin: 'test' },
  previousResult: null,
  ...extra,
});
