import { spawn } from 'node:child_process';

/** What a tool printed on stdout, once it exited 0. */
export const runTool = (
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new Error(`${command} could not be started: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with code ${code}:\n${stderr || stdout}`));
    });
  });

/** Whether `command args` runs and exits 0. */
export const toolWorks = async (command: string, args: readonly string[]): Promise<boolean> => {
  try {
    await runTool(command, args);
    return true;
  } catch {
    return false;
  }
};
