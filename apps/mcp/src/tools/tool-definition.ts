import { z } from 'zod';
import type { TempoGateway } from '../tempo-gateway.ts';
import type { ToolEnvelope } from '../tool-envelope.ts';

/** One MCP tool: its name, what a model reads about it, its arguments and the REST call it makes. */
export interface TempoTool {
  readonly name: string;
  /** Written for a model: what the tool does, when to use it, what comes back. */
  readonly description: string;
  /** The arguments, as a zod object built once (the SDK publishes it as JSON Schema). */
  readonly inputSchema: z.ZodObject;
  /** True when the tool only reads. */
  readonly readOnly: boolean;
  /** Runs the tool on arguments the SDK has validated against {@link TempoTool.inputSchema}. */
  call(args: unknown, tempo: TempoGateway): Promise<ToolEnvelope>;
}

/** What {@link defineTool} takes: a tool whose `call` sees its arguments typed. */
export interface ToolSpec<S extends z.ZodRawShape> {
  readonly name: string;
  readonly description: string;
  readonly input: S;
  readonly readOnly: boolean;
  call(args: z.output<z.ZodObject<S>>, tempo: TempoGateway): Promise<ToolEnvelope>;
}

/** A tool from its spec; arguments are parsed once more here so `call` never sees a cast. */
export const defineTool = <S extends z.ZodRawShape>(spec: ToolSpec<S>): TempoTool => {
  const schema = z.object(spec.input);
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: schema,
    readOnly: spec.readOnly,
    call: (args, tempo) => spec.call(schema.parse(args), tempo),
  };
};
