import { mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type DestinationStream, pino } from 'pino';

/** Options of {@link openRollingFile}. */
export interface RollingFileOptions {
  /** The log file's path; the files written are `{name}.{n}{ext}` beside it (`tempo.3.log`). */
  readonly file: string;
  /** A file is closed and the next begun past this many bytes. */
  readonly maxBytes: number;
  /** How many files are kept; older ones are removed. */
  readonly keep: number;
  /** Mode of each new file. */
  readonly mode: number;
  /** Most text held in memory while the disk cannot keep up; lines past it are dropped. */
  readonly maxBufferedBytes: number;
}

/** A log stream that rolls over to a new numbered file daily and past a size. */
export interface RollingFile extends DestinationStream {
  flush(): void;
}

const DAY_MS = 86_400_000;
/** The next UTC midnight after `ms`. */
const nextMidnight = (ms: number) => (Math.floor(ms / DAY_MS) + 1) * DAY_MS;

/**
 * Opens a log file that rolls daily (UTC) and at `maxBytes`, numbering files on from the highest
 * number already in the folder (today's last file is written on while it has room) and keeping
 * the last `keep`. Writes go through pino's buffered
 * asynchronous destination on this thread. (The pino-roll package does the same through a date
 * library whose loading alone took a tenth of the server's start-up.)
 */
export const openRollingFile = (options: RollingFileOptions): RollingFile => {
  const folder = dirname(options.file);
  const extension = extname(options.file);
  const stem = basename(options.file, extension);
  const numbered = new RegExp(
    `^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)${extension.replace('.', '\\.')}$`,
  );
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const numbers = () =>
    readdirSync(folder)
      .map((name) => Number(numbered.exec(name)?.[1] ?? Number.NaN))
      .filter((value) => Number.isInteger(value))
      .sort((a, b) => a - b);
  const pathOf = (number: number) => join(folder, `${stem}.${number}${extension}`);

  // A restart goes on writing today's last file while it has room, as a long run would.
  const last = numbers().at(-1);
  const lastFile = last === undefined ? null : statSync(pathOf(last), { throwIfNoEntry: false });
  const reuse =
    last !== undefined &&
    lastFile !== undefined &&
    lastFile !== null &&
    lastFile.size < options.maxBytes &&
    nextMidnight(lastFile.mtimeMs) === nextMidnight(Date.now());
  let number = reuse ? last : (last ?? 0) + 1;
  let rollAt = nextMidnight(Date.now());
  let written = reuse && lastFile ? lastFile.size : 0;
  // Opened here, not by the stream: the file exists (with its mode) before the first write.
  const open = () => {
    const destination = pino.destination({
      dest: openSync(pathOf(number), 'a', options.mode),
      sync: false,
      maxLength: options.maxBufferedBytes,
    });
    // A full or failing disk loses log lines; it must not stop the server.
    destination.on('error', () => undefined);
    return destination;
  };
  let current = open();

  const roll = () => {
    current.end();
    number += 1;
    written = 0;
    rollAt = nextMidnight(Date.now());
    current = open();
    for (const old of numbers()) if (old <= number - options.keep) rmSync(pathOf(old), { force: true });
  };

  return {
    write(line: string) {
      if (written >= options.maxBytes || Date.now() >= rollAt) roll();
      written += Buffer.byteLength(line);
      current.write(line);
    },
    flush() {
      current.flush();
    },
  };
};
