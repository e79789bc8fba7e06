import { captureCreatedId, successCheck } from './postman-scripts.ts';

/** A request of the "Getting started" folder: an operation with a body and checks of its own. */
export interface GuidedRequest {
  readonly operationId: string;
  /** What the step does, shown as the request's description. */
  readonly purpose: string;
  readonly body?: unknown;
  readonly prerequest?: readonly string[];
  /** Checks and captures after the answer, on top of the checks every request makes. */
  readonly tests: readonly string[];
}

/**
 * The first folder, run first: sign in as the seeded administrator, find the seeded tenant,
 * create a step, a flow and a Public trigger, fire the trigger and read the run it made. Every
 * later request reads the ids these capture, so each of these must succeed.
 */
export const GETTING_STARTED: readonly GuidedRequest[] = [
  {
    operationId: 'issueToken',
    purpose:
      'Signs in with the seeded administrator (settings `hydration.defaultAdminEmail` / `defaultAdminPassword`) and keeps the token for every later request.',
    body: { email: '{{adminEmail}}', password: '{{adminPassword}}' },
    // A new stamp per run keeps the names and keys this run creates apart from an earlier run's.
    prerequest: ["pm.collectionVariables.set('runStamp', String(Date.now()));"],
    tests: [...successCheck(), "pm.collectionVariables.set('token', pm.response.json().token);"],
  },
  {
    operationId: 'listTenants',
    purpose: 'Finds the seeded tenant (`hydration.defaultTenantName`); its id is generated on first start.',
    tests: [
      ...successCheck(),
      'const tenants = pm.response.json().items;',
      "const seeded = tenants.find((tenant) => tenant.name === pm.variables.get('tenantName')) || tenants[0];",
      "pm.collectionVariables.set('tenantId', seeded.id);",
    ],
  },
  {
    operationId: 'createStep',
    purpose: 'A step that calls a built-in method of the server (`GET /v1.0/steps/registered` lists them).',
    body: {
      executionKey: 'postman.greet.{{runStamp}}',
      name: 'Postman greeting {{runStamp}}',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { identifier: 'tempo.sample.builtin.method' },
    },
    tests: [
      ...successCheck(),
      ...captureCreatedId('stepId'),
      "pm.collectionVariables.set('stepKey', pm.response.json().executionKey);",
    ],
  },
  {
    operationId: 'createFlow',
    purpose:
      'A flow of that one step, named by its execution key; Public, so its trigger needs no credentials.',
    body: {
      name: 'Postman flow {{runStamp}}',
      startStepId: '{{stepKey}}',
      transitions: { '{{stepKey}}': {} },
      invocationAuthMode: 'Public',
    },
    tests: [
      ...successCheck(),
      ...captureCreatedId('flowId'),
      "pm.test('names only steps that exist', () => pm.expect(pm.response.json().warnings).to.eql([]));",
    ],
  },
  {
    operationId: 'createTrigger',
    purpose: 'An HTTP trigger that starts the flow.',
    body: { name: 'Postman trigger {{runStamp}}', triggerType: 'Http', dataFlowId: '{{flowId}}' },
    tests: [...successCheck(), ...captureCreatedId('triggerId')],
  },
  {
    operationId: 'fireHttpTrigger',
    purpose:
      "Fires the trigger without credentials; the answer is the last step's output, the run is in the `x-run-*` headers.",
    body: { name: 'Postman' },
    tests: [
      ...successCheck(),
      "pm.test('ran the flow to success', () => pm.expect(pm.response.headers.get('x-run-state')).to.eql('Succeeded'));",
      "pm.collectionVariables.set('runId', pm.response.headers.get('x-run-id'));",
    ],
  },
  {
    operationId: 'readRun',
    purpose: 'The run the trigger made.',
    tests: [
      ...successCheck(),
      "pm.test('is the run the trigger made', () => pm.expect(pm.response.json().id).to.eql(pm.collectionVariables.get('runId')));",
    ],
  },
  {
    operationId: 'listRunSteps',
    purpose: 'The steps the run executed, one record each.',
    tests: [
      ...successCheck(),
      "pm.test('lists the step that ran', () => pm.expect(pm.response.json().length).to.be.above(0));",
    ],
  },
];
