/** Protocol version 1.0. */
export declare const V1: '1.0';
/** The version this SDK writes. */
export declare const CURRENT: '1.0';
/** Every version this SDK accepts. */
export declare const SUPPORTED: readonly string[];
/** Variable holding the version the host sent (a hint; the request is authoritative). */
export declare const PROTOCOL_VERSION_ENV: 'TEMPO_PROTOCOL_VERSION';
/** Variable holding the comma-separated versions the host supports. */
export declare const SUPPORTED_PROTOCOL_VERSIONS_ENV: 'TEMPO_SUPPORTED_PROTOCOL_VERSIONS';

/** How a step ended; the wire carries these names. */
export declare const StepResultType: Readonly<{
  Success: 'Success';
  Timeout: 'Timeout';
  Error: 'Error';
  Exception: 'Exception';
  MaxIterationsExceeded: 'MaxIterationsExceeded';
}>;
/** One of the result names. */
export type StepResultType = (typeof StepResultType)[keyof typeof StepResultType];

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The wire shape of a request (camelCase; the constructors also read snake_case keys). */
export interface StepRequestObject {
  protocolVersion: string;
  tenantId: string | null;
  dataFlowId: string;
  flowRunId: string | null;
  stepRunId: string | null;
  requestId: string;
  data: unknown;
  metadata: unknown;
  previousResult: string | null;
}

/** The wire shape of a result. */
export interface StepResultObject {
  protocolVersion: string;
  tenantId: string | null;
  dataFlowId: string;
  flowRunId: string | null;
  stepRunId: string | null;
  requestId: string;
  result: string;
  data: unknown;
  exception: string | null;
  metadata: unknown;
}

/** The one document a host sends a handler. A missing flow or request id is generated. */
export declare class StepRequest implements StepRequestObject {
  constructor(value?: Readonly<Record<string, unknown>>);
  protocolVersion: string;
  tenantId: string | null;
  dataFlowId: string;
  flowRunId: string | null;
  stepRunId: string | null;
  requestId: string;
  /** The step's input: the previous step's output (untrusted). */
  data: unknown;
  metadata: unknown;
  /** Result of the step before, or null for the first step. */
  previousResult: string | null;
  /** A request from a parsed object (a StepRequest is returned as it is). */
  static fromObject(value: Readonly<Record<string, unknown>> | StepRequest): StepRequest;
  /** A request from JSON text. */
  static fromJson(text: string): StepRequest;
  toObject(): StepRequestObject;
  toJson(): string;
  toJSON(): StepRequestObject;
}

/** The one document a handler answers with. A missing `result` means Success. */
export declare class StepResult implements StepResultObject {
  constructor(value?: Readonly<Record<string, unknown>>);
  protocolVersion: string;
  tenantId: string | null;
  dataFlowId: string;
  flowRunId: string | null;
  stepRunId: string | null;
  requestId: string;
  result: string;
  /** The step's output, the next step's input; must be JSON. */
  data: unknown;
  /** Failure text (also read from `exceptionMessage`). */
  exception: string | null;
  metadata: unknown;
  static fromObject(value: Readonly<Record<string, unknown>> | StepResult): StepResult;
  static fromJson(text: string): StepResult;
  toObject(): StepResultObject;
  toJson(): string;
  toJSON(): StepResultObject;
}

/** A log level as the run log writes it. */
export type TempoLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Writes a handler's diagnostics, never to protocol stdout: to a run-log file (a path), through
 * a function given each level and the non-blank lines, or to stderr (no target).
 */
export declare class TempoStepLogger {
  constructor(target?: string | ((level: TempoLogLevel, lines: string[]) => void) | null);
  /** The run-log file written, or null. */
  readonly file: string | null;
  write(level: TempoLogLevel | Lowercase<TempoLogLevel>, ...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Where the running step is: request ids, the host's variables, and its logger. */
export interface TempoExecutionContext {
  readonly tenantId: string | null;
  readonly dataFlowId: string;
  readonly flowRunId: string | null;
  /** `TEMPO_RUN_ASSIGNMENT_ID`. */
  readonly runAssignmentId: string | null;
  /** The step's execution key (`TEMPO_STEP_ID`). */
  readonly stepId: string | null;
  readonly stepRunId: string | null;
  readonly requestId: string;
  /** `TEMPO_WORKER_ID`. */
  readonly workerId: string | null;
  readonly logger: TempoStepLogger;
}

/** A step handler; any value but a StepResult is wrapped as Success data. */
export type TempoStepHandler = (request: StepRequest) => unknown;

/** Options of {@link TempoStepHost.run}. */
export interface TempoStepHostOptions {
  /** Request source (default stdin); a string is the whole request. */
  input?: NodeJS.ReadableStream | string;
  /** Protocol output (default stdout). */
  output?: NodeJS.WritableStream;
  /** The variables to read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Runs step handlers as protocol v1 processes (one-shot, or persistent when offered). */
// biome-ignore lint/complexity/noStaticOnlyClass: the SDK surface is TempoStepHost.run in all three languages.
export declare class TempoStepHost {
  /** Serves `handler` and resolves to the exit code, always 0. */
  static run(handler: TempoStepHandler, options?: TempoStepHostOptions): Promise<0>;
  static deserializeRequest(text: string): StepRequest;
  static serializeResult(result: StepResult | StepResultObject): string;
}

/** The supported spelling of `version`; throws for one this SDK does not speak. */
export declare function normalizeProtocolVersion(version?: string | null): string;
/** Whether this SDK speaks `version` (blank means current). */
export declare function isSupportedProtocolVersion(version?: string | null): boolean;
/** Copies the request's version and ids onto `result`. */
export declare function correlateResult(
  result: StepResult | Readonly<Record<string, unknown>>,
  request: StepRequest | Readonly<Record<string, unknown>>,
): StepResult;
/** A Success result; metadata defaults to the request's. */
export declare function success(
  request: StepRequest | Readonly<Record<string, unknown>>,
  data?: unknown,
  metadata?: unknown,
): StepResult;
/** An Error result (expected failure); metadata defaults to the request's. */
export declare function error(
  request: StepRequest | Readonly<Record<string, unknown>>,
  data?: unknown,
  metadata?: unknown,
): StepResult;
/** An Exception result carrying the failure's message. */
export declare function exceptionResult(
  request: StepRequest | Readonly<Record<string, unknown>> | null | undefined,
  failure: unknown,
  metadata?: unknown,
): StepResult;
/** Marks a handler; the returned handler also runs under the engine's Artifact.JavaScript shim. */
export declare function step<T extends TempoStepHandler>(
  fn: T,
): ((request: unknown) => Promise<unknown>) & {
  readonly __tempoStep: true;
};
/** The versions the host announced, else this SDK's, comma-joined. */
export declare function supportedProtocolEnvironment(env?: Record<string, string | undefined>): string;
/** The run-log file logger, or a stderr logger without `TEMPO_RUN_LOG_FILE`. */
export declare function createLoggerFromEnvironment(
  env?: Record<string, string | undefined>,
): TempoStepLogger;
/** The running step's context, or null outside one. */
export declare function getCurrentExecutionContext(): TempoExecutionContext | null;
