/**
 * What each tag of the OpenAPI document groups, shown by the explorer and generated clients. A
 * route with a tag missing here still works, but the document then fails the Redocly lint stage
 * of `./tempo test` (`tag-description`), so a new tag cannot go undescribed.
 */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Service: 'Name, version and health of the server, and the loopback target of the seeded REST sample.',
  Identity: 'Signing in, tokens, and who the credentials of a request belong to.',
  Accounts: 'Accounts, the top of the ownership tree (global administrators only).',
  Administrators: 'Global administrators, who may act in every tenant.',
  Tenants: 'Tenants: every step, flow, trigger, run and artifact belongs to exactly one.',
  Users: 'Users of a tenant, who sign in and act through their roles.',
  Credentials: "Access keys of a tenant's users, for programs that call the API.",
  Roles: 'Roles of a tenant and their links to users and permissions.',
  Permissions: 'Permit or Deny of an operation on a resource type, granted through roles.',
  Steps: 'Reusable steps: what runs (a runtime key and its configuration) under an execution key.',
  Flows: 'Data flows: a start step and the transitions between steps, and runs started from them.',
  Triggers: 'Triggers that start a flow, and the HTTP endpoint that fires them and waits for the run.',
  Migrations: 'One-off conversions of records written by older versions.',
  Logs: 'The service logs of the server and the workers: sources, files, bounded tails, downloads, truncation.',
  Settings: 'The settings file: read with secrets masked, saved whole, hot sections applied at once.',
  Artifacts: 'Handler packages: metadata, the editable file tree, uploaded versions and downloads.',
  Runtimes: 'The runtime catalog, handler process limits, and validation of runtime configurations.',
  Audit: 'The audit log: who changed what and who signed in, newest first.',
  Runs: 'Runs of flows: their state, step runs, worker activity, cancelling and deleting.',
  Workers:
    'Workers that execute runs: their sessions, activity, drain, block and tokens (administrators), the WebSocket endpoint and the package download workers use.',
  'Request history':
    'Recorded HTTP trigger calls (credentials masked): list, time-bucket summary, read, delete.',
};
