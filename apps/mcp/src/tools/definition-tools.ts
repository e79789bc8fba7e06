import { z } from 'zod';
import { seg } from '../tempo-gateway.ts';
import { collectionTools, tenantPath } from './collection-tools.ts';
import { idArg, listArgs, requiredText, tenantIdArg } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

/** Tenants: listed and read (administrators see all, other callers their own). */
export const tenantTools: readonly TempoTool[] = [
  defineTool({
    name: 'tenant_list',
    description:
      'List tenants (GET /v1.0/tenants). Use it to find the tenantId that the other tools take when no default tenant is configured.',
    input: listArgs,
    readOnly: true,
    call: (query, tempo) => tempo.call('GET', '/v1.0/tenants', { query }),
  }),
  defineTool({
    name: 'tenant_get',
    description: 'Read one tenant by id (GET /v1.0/tenants/{id}).',
    input: { id: idArg('id', 'The tenant id (e.g. "ten_...")') },
    readOnly: true,
    call: ({ id }, tempo) => tempo.call('GET', `/v1.0/tenants/${seg(id)}`),
  }),
];

const optionalText = (what: string) => z.string().min(1).max(500).optional().describe(what);

/** Steps: the collection, the registered built-ins and steps made from pasted source. */
export const stepTools: readonly TempoTool[] = [
  ...collectionTools({
    prefix: 'step',
    path: 'steps',
    noun: 'step',
    idExample: 'step_...',
    listNote: 'Each step has an executionKey that flows reference and a runtimeKey saying how it runs.',
    bodyNote:
      'Keys: executionKey (stable key flows use), name, runtimeKey (e.g. "Builtin.Method", "External.Rest", "Artifact.Python"), runtimeConfig (per runtime), active. For ad-hoc Python/JavaScript/C# code prefer step_create_from_source.',
  }),
  defineTool({
    name: 'step_registered',
    description:
      'List the built-in steps registered in the server process (GET /v1.0/steps/registered): their identifiers can be used as Builtin.Class / Builtin.Method steps.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/steps/registered'),
  }),
  defineTool({
    name: 'step_create_from_source',
    description:
      'Preferred way to add custom code: packages pasted Python, JavaScript or C# source into a new artifact with its manifest and creates the step that runs it, in one call (POST /v1.0/tenants/{tenantId}/steps/source). The handler function receives the step request (its input is request["data"] / request.data) and returns the output. Python: "def run(request): return request[\'data\']". JavaScript: "exports.run = (request) => request.data;". A syntax error answers 400 with the line. Answers with { step, artifact, artifactVersion }; reference the step from a flow by its executionKey.',
    input: {
      tenantId: tenantIdArg,
      name: requiredText('name', 'the step display name.')
        .min(1, 'name must not be empty.')
        .max(500)
        .describe('Step display name.'),
      language: z
        .enum(['Python', 'JavaScript', 'CSharp'], { error: 'language must be Python, JavaScript or CSharp.' })
        .describe('Source language: Python, JavaScript or CSharp.'),
      code: requiredText('code', 'the whole source file text.')
        .min(1, 'code must not be empty.')
        .max(1_000_000)
        .describe('The whole source file text.'),
      executionKey: z
        .string()
        .min(1)
        .max(256)
        .optional()
        .describe('Stable key flows reference (e.g. "mcp.echo_js"); generated when omitted.'),
      description: optionalText('Step description.'),
      function: optionalText('Python/JavaScript function to call; default "run".'),
      handlerType: optionalText('C# handler type (a class deriving TempoStepHandlerBase).'),
      entrypoint: optionalText('Entry file or assembly.'),
      fileName: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[^\\/]+$/, 'fileName must be a plain file name without path separators.')
        .optional()
        .describe('Source file name, no path separators (e.g. "handler.js").'),
      artifactName: optionalText('Display name of the generated artifact.'),
      module: optionalText('Runtime module name.'),
    },
    readOnly: false,
    call: ({ tenantId, ...body }, tempo) =>
      tempo.call('POST', tenantPath(tempo, tenantId, 'steps/source'), { body }),
  }),
];

/** Data flows: the collection and direct runs. */
export const flowTools: readonly TempoTool[] = [
  ...collectionTools({
    prefix: 'flow',
    path: 'flows',
    noun: 'data flow',
    idExample: 'flow_...',
    listNote: 'A flow is a start step plus transitions between step execution keys.',
    bodyNote:
      'Keys: name, startStepId (the executionKey of the first step), invocationAuthMode ("Public" or "ApiAuthenticated"), transitions ({ executionKey: { name, onSuccess, onFailure, onException, maxTransitions } } where onSuccess etc. name the next executionKey or null to end), active.',
  }),
  defineTool({
    name: 'flow_enqueue_run',
    description:
      'Start a run of a flow directly, without a trigger (POST /v1.0/tenants/{tenantId}/flows/{flowId}/runs). Answers at once with the queued run record (201) and does not wait: follow it with run_get and run_steps.',
    input: {
      tenantId: tenantIdArg,
      flowId: idArg('flowId', 'The flow to run (e.g. "flow_...")'),
      body: z
        .object({
          data: z.unknown().optional().describe('Input of the first step.'),
          metadata: z.unknown().optional().describe('Caller metadata kept with the run.'),
        })
        .optional()
        .describe('{ data, metadata }: the run input and optional metadata.'),
    },
    readOnly: false,
    call: ({ tenantId, flowId, body }, tempo) =>
      tempo.call('POST', tenantPath(tempo, tenantId, `flows/${seg(flowId)}/runs`), { body: body ?? {} }),
  }),
];

/** Triggers: the collection and firing an HTTP trigger. */
export const triggerTools: readonly TempoTool[] = [
  ...collectionTools({
    prefix: 'trigger',
    path: 'triggers',
    noun: 'trigger',
    idExample: 'trg_...',
    listNote: 'An HTTP trigger is called at /v1.0/triggers/http/{triggerId}.',
    bodyNote:
      'Keys: name, triggerType ("Http"), dataFlowId (the flow it starts), configuration (a JSON *string*, e.g. "{\\"allowedMethods\\":[\\"POST\\"]}"), active.',
  }),
  defineTool({
    name: 'trigger_fire',
    description:
      "Call an HTTP trigger with POST (POST /v1.0/triggers/http/{triggerId}) and wait for its run: the flow's output is the envelope body, and run metadata is in headers (x-run-id, x-run-state, x-worker-id, x-dataflow-id, x-trigger-id, x-runtime-ms). Sends the configured credentials, so ApiAuthenticated flows work. A 405 means the trigger does not allow POST: call it with tempo_request GET instead.",
    input: {
      triggerId: idArg('triggerId', 'The trigger to call (e.g. "trg_...")'),
      body: z.unknown().optional().describe('JSON input of the flow (the first step sees it as its data).'),
    },
    readOnly: false,
    call: ({ triggerId, body }, tempo) =>
      tempo.call('POST', `/v1.0/triggers/http/${seg(triggerId)}`, { body: body ?? {} }),
  }),
];
