import { parseArgs } from 'node:util';
import { COMMANDS, type Command } from './commands.ts';

/** Column past which a summary wraps: the help stays readable in a narrow terminal. */
const HELP_WIDTH = 100;
const SUMMARY_INDENT = '      ';

/** `text` broken at spaces into lines of at most {@link HELP_WIDTH} columns, each indented. */
const wrapped = (text: string): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && SUMMARY_INDENT.length + line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(SUMMARY_INDENT + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(SUMMARY_INDENT + line);
  return lines;
};

const usage = (): string => {
  return [
    'Usage: ./tempo <command> [options]',
    '       ./tempo --version',
    '',
    'Commands:',
    ...COMMANDS.flatMap((command) => [`  ${command.usage}`, ...wrapped(command.summary)]),
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
