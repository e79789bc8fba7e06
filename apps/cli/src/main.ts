import { parseArgs } from 'node:util';
import { COMMANDS, type Command } from './commands.ts';

const usage = (): string => {
  const width = Math.max(...COMMANDS.map((command) => command.usage.length));
  return [
    'Usage: ./tempo <command> [options]',
    '       ./tempo --version',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Every tempo.json setting can also be set by a TEMPO_* environment variable (see docs/settings.md).',
  ].join('\n');
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command: Command | undefined = COMMANDS.find(
    (candidate) => candidate.name === (name === '--version' || name === '-V' ? 'version' : name),
  );
  if (!command) {
    process.stderr.write(`tempo: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals === true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`tempo ${name}: ${(error as Error).message}\nUsage: ./tempo ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: ./tempo ${command.usage}\n  ${command.summary}\n`);
    return 0;
  }
  return command.run({ ...parsed.values, _: parsed.positionals });
};

/** How long a finished command's process may linger for pending writes before it exits. */
const EXIT_GRACE_MS = 1500;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A command has finished its own stop; what still holds the event loop then (an OTLP export
    // to a collector that does not answer keeps its socket for its whole timeout) gets a short
    // grace for log flushing, not a say in when the process ends.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    process.stderr.write(`tempo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
