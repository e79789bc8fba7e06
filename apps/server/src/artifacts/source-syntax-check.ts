import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExternalExecutionSettings, TempoError } from '@tempo/contracts';
import { buildHandlerEnvironment, runChildProcess } from '@tempo/core/process-host';
import { SourceBuildGate } from './source-build-gate.ts';

/** A syntax check parses a file: a second is plenty, ten covers a cold interpreter on a busy host. */
const CHECK_TIMEOUT_MS = 10_000;
/** Checks at once per server; each is one short interpreter process. */
const MAX_CONCURRENT_CHECKS = 4;
/** The interpreter's report is kept to this many characters in the error. */
const REPORT_CHARS = 2000;
const OUTPUT_LIMIT_BYTES = 64 * 1024;

/**
 * Python's own parser, run on the code from stdin: nothing is written (no `__pycache__`), `-I`
 * ignores `PYTHON*` variables and the user's site folder, and the report is one JSON line.
 */
const PYTHON_CHECK = [
  'import json, sys',
  'try:',
  '    compile(sys.stdin.buffer.read(), sys.argv[1], "exec", dont_inherit=True)',
  'except (SyntaxError, ValueError) as e:',
  '    print(json.dumps({"message": getattr(e, "msg", str(e)), "line": getattr(e, "lineno", None), "column": getattr(e, "offset", None), "text": (getattr(e, "text", None) or "").rstrip()}))',
  '    sys.exit(1)',
].join('\n');

/** Where the interpreter located a syntax error. */
interface SyntaxReport {
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

const syntaxError = (language: string, fileName: string, report: SyntaxReport) => {
  const where = report.line === null ? fileName : `${fileName} line ${report.line}`;
  return new TempoError(
    'BadRequest',
    400,
    `${language} source has a syntax error at ${where}: ${report.message.slice(-REPORT_CHARS)}`,
    { file: fileName, line: report.line, column: report.column },
  );
};

/** Python's JSON line; null when the interpreter failed for another reason than the code. */
const pythonReport = (stdout: string): SyntaxReport | null => {
  try {
    const parsed = JSON.parse(stdout.trim()) as { message?: unknown; line?: unknown; column?: unknown };
    return {
      message: String(parsed.message ?? 'invalid syntax'),
      line: typeof parsed.line === 'number' ? parsed.line : null,
      column: typeof parsed.column === 'number' ? parsed.column : null,
    };
  } catch {
    return null;
  }
};

/**
 * `node --check` prints `<path>:<line>`, the line, a caret and `SyntaxError: ...`, then a stack of
 * Node's own frames: keep the first part, with the temporary path replaced by the file's name.
 */
const nodeReport = (stderr: string, checkedPath: string, fileName: string): SyntaxReport | null => {
  const text = stderr.split(checkedPath).join(fileName);
  const error = /^(SyntaxError: .*)$/m.exec(text);
  if (!error?.[1]) return null;
  // File names are `[A-Za-z0-9_.-]` (sourceFileName): only the dots need escaping.
  const located = new RegExp(`^${fileName.replace(/\./g, '\\.')}:(\\d+)$`, 'm').exec(text);
  return { message: error[1], line: located ? Number(located[1]) : null, column: null };
};

/**
 * Checks the syntax of Python and JavaScript source steps with the interpreters that will run
 * them (`compile()` for Python, `node --check` for JavaScript), so a typo is a `400` with the
 * interpreter's message and line when the step is saved, as a C# compile error is, and not a
 * failed run later. Only the interpreter's verdict on the code refuses a save: an interpreter
 * that is missing, slow or failing for another reason leaves the step to the runtime's own
 * availability check, as before. Each check is one short child process with a time limit, an environment
 * holding only `PATH` (the server's secrets stay out) and, for JavaScript, a private temporary
 * folder removed afterwards; at most {@link MAX_CONCURRENT_CHECKS} run at once, more answer `429`.
 */
export class SourceSyntaxChecker {
  readonly #settings: ExternalExecutionSettings;
  readonly #gate = new SourceBuildGate(
    MAX_CONCURRENT_CHECKS,
    (limit) =>
      new TempoError(
        'TooManyRequests',
        429,
        `The server is already checking ${limit} source steps; try again in a moment.`,
      ),
  );

  constructor(settings: ExternalExecutionSettings) {
    this.#settings = settings;
  }

  /** Throws a `400` naming the line when the code does not parse. */
  async check(language: 'Python' | 'JavaScript', fileName: string, code: string): Promise<void> {
    const release = this.#gate.enter();
    try {
      if (language === 'Python') await this.#checkPython(fileName, code);
      else await this.#checkJavaScript(fileName, code);
    } finally {
      release();
    }
  }

  #env() {
    return buildHandlerEnvironment({
      source: process.env,
      operatorAllowList: [],
      requestedNames: [],
      fixed: {},
    }).env;
  }

  /** Runs one interpreter's check under the checks' shared limits and clean environment. */
  #runChecker(command: string, args: string[], cwd: string, stdin: Buffer) {
    return runChildProcess({
      command,
      args,
      cwd,
      env: this.#env(),
      stdin,
      timeoutMs: CHECK_TIMEOUT_MS,
      maxStdoutBytes: OUTPUT_LIMIT_BYTES,
      maxStderrBytes: OUTPUT_LIMIT_BYTES,
      killTree: true,
    });
  }

  async #checkPython(fileName: string, code: string) {
    const outcome = await this.#runChecker(
      this.#settings.pythonExecutable,
      ['-I', '-c', PYTHON_CHECK, fileName],
      tmpdir(),
      Buffer.from(code, 'utf8'),
    );
    const report =
      outcome.kind === 'exited' && outcome.exitCode !== 0
        ? pythonReport(outcome.stdout.toString('utf8'))
        : null;
    if (report) throw syntaxError('Python', fileName, report);
  }

  async #checkJavaScript(fileName: string, code: string) {
    // `node --check` reads module syntax only from a file (stdin is always CommonJS), and tells
    // CommonJS from ES modules the way the runtime's loader does.
    // Under the cache root, which handlers never see, not in the shared temporary folder.
    const parent = join(this.#settings.cacheRoot, 'syntax-check');
    await mkdir(parent, { recursive: true, mode: 0o700 });
    const folder = await mkdtemp(join(parent, 'js-'));
    const path = join(folder, fileName);
    try {
      await writeFile(path, code, { mode: 0o600 });
      const outcome = await this.#runChecker(
        this.#settings.nodeExecutable,
        ['--check', path],
        folder,
        Buffer.alloc(0),
      );
      const report =
        outcome.kind === 'exited' && outcome.exitCode !== 0
          ? nodeReport(outcome.stderr.toString('utf8'), path, fileName)
          : null;
      if (report) throw syntaxError('JavaScript', fileName, report);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}
