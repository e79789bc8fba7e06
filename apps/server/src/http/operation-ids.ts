/**
 * The `operationId` of every documented operation, keyed by `METHOD /path` with the path in
 * OpenAPI form (`{id}`, not `:id`). Generated clients, the Postman collection and MCP tools name
 * their calls after these, so an id is part of the API: renaming one is a breaking change that
 * the CHANGELOG must say, and `test/openapi-operation-ids.txt` keeps the list stable.
 *
 * Verbs: `list` (a page or a set), `read` (one record), `create`, `update`, `delete`, and a verb
 * of its own for the actions (`cancelRun`, `fireHttpTrigger`, ...). The names follow the MCP
 * tools of the spec where both exist (`readWorker` style, camelCase).
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  // Service
  'GET /': 'readServerInfo',
  'GET /v1.0/api/health': 'checkHealth',
  'GET /v1.0/samples/external-rest': 'readExternalRestSample',

  // Identity
  'POST /v1.0/token': 'issueToken',
  'GET /v1.0/token': 'checkToken',
  'POST /v1.0/token/revoke': 'revokeTokens',
  'GET /v1.0/token/details': 'readTokenDetails',
  'GET /v1.0/me': 'readMe',

  // Global identity records
  'GET /v1.0/accounts': 'listAccounts',
  'POST /v1.0/accounts': 'createAccount',
  'GET /v1.0/accounts/{id}': 'readAccount',
  'PUT /v1.0/accounts/{id}': 'updateAccount',
  'DELETE /v1.0/accounts/{id}': 'deleteAccount',
  'GET /v1.0/admins': 'listAdministrators',
  'POST /v1.0/admins': 'createAdministrator',
  'GET /v1.0/admins/{id}': 'readAdministrator',
  'PUT /v1.0/admins/{id}': 'updateAdministrator',
  'DELETE /v1.0/admins/{id}': 'deleteAdministrator',
  'GET /v1.0/tenants': 'listTenants',
  'POST /v1.0/tenants': 'createTenant',
  'GET /v1.0/tenants/{id}': 'readTenant',
  'PUT /v1.0/tenants/{id}': 'updateTenant',
  'DELETE /v1.0/tenants/{id}': 'deleteTenant',

  // Tenant identity records
  'GET /v1.0/tenants/{tenantId}/users': 'listUsers',
  'POST /v1.0/tenants/{tenantId}/users': 'createUser',
  'GET /v1.0/tenants/{tenantId}/users/{id}': 'readUser',
  'PUT /v1.0/tenants/{tenantId}/users/{id}': 'updateUser',
  'DELETE /v1.0/tenants/{tenantId}/users/{id}': 'deleteUser',
  'GET /v1.0/tenants/{tenantId}/credentials': 'listCredentials',
  'POST /v1.0/tenants/{tenantId}/credentials': 'createCredential',
  'GET /v1.0/tenants/{tenantId}/credentials/{id}': 'readCredential',
  'PUT /v1.0/tenants/{tenantId}/credentials/{id}': 'updateCredential',
  'DELETE /v1.0/tenants/{tenantId}/credentials/{id}': 'deleteCredential',
  'GET /v1.0/tenants/{tenantId}/roles': 'listRoles',
  'POST /v1.0/tenants/{tenantId}/roles': 'createRole',
  'GET /v1.0/tenants/{tenantId}/roles/{id}': 'readRole',
  'PUT /v1.0/tenants/{tenantId}/roles/{id}': 'updateRole',
  'DELETE /v1.0/tenants/{tenantId}/roles/{id}': 'deleteRole',
  'GET /v1.0/tenants/{tenantId}/permissions': 'listPermissions',
  'POST /v1.0/tenants/{tenantId}/permissions': 'createPermission',
  'GET /v1.0/tenants/{tenantId}/permissions/{id}': 'readPermission',
  'PUT /v1.0/tenants/{tenantId}/permissions/{id}': 'updatePermission',
  'DELETE /v1.0/tenants/{tenantId}/permissions/{id}': 'deletePermission',
  'GET /v1.0/tenants/{tenantId}/user-role-maps': 'listUserRoleMaps',
  'POST /v1.0/tenants/{tenantId}/user-role-maps': 'createUserRoleMap',
  'GET /v1.0/tenants/{tenantId}/user-role-maps/{id}': 'readUserRoleMap',
  'PUT /v1.0/tenants/{tenantId}/user-role-maps/{id}': 'updateUserRoleMap',
  'DELETE /v1.0/tenants/{tenantId}/user-role-maps/{id}': 'deleteUserRoleMap',
  'GET /v1.0/tenants/{tenantId}/role-permission-maps': 'listRolePermissionMaps',
  'POST /v1.0/tenants/{tenantId}/role-permission-maps': 'createRolePermissionMap',
  'GET /v1.0/tenants/{tenantId}/role-permission-maps/{id}': 'readRolePermissionMap',
  'PUT /v1.0/tenants/{tenantId}/role-permission-maps/{id}': 'updateRolePermissionMap',
  'DELETE /v1.0/tenants/{tenantId}/role-permission-maps/{id}': 'deleteRolePermissionMap',
  'GET /v1.0/tenants/{tenantId}/users/{userId}/roles': 'listUserRoles',
  'GET /v1.0/tenants/{tenantId}/roles/{roleId}/permissions': 'listRolePermissions',

  // Steps
  'GET /v1.0/tenants/{tenantId}/steps': 'listSteps',
  'POST /v1.0/tenants/{tenantId}/steps': 'createStep',
  'GET /v1.0/tenants/{tenantId}/steps/{id}': 'readStep',
  'PUT /v1.0/tenants/{tenantId}/steps/{id}': 'updateStep',
  'DELETE /v1.0/tenants/{tenantId}/steps/{id}': 'deleteStep',
  'POST /v1.0/tenants/{tenantId}/steps/bulk-delete': 'bulkDeleteSteps',
  'POST /v1.0/tenants/{tenantId}/steps/source': 'createStepFromSource',
  'GET /v1.0/steps/registered': 'listRegisteredSteps',

  // Flows
  'GET /v1.0/tenants/{tenantId}/flows': 'listFlows',
  'POST /v1.0/tenants/{tenantId}/flows': 'createFlow',
  'GET /v1.0/tenants/{tenantId}/flows/{id}': 'readFlow',
  'PUT /v1.0/tenants/{tenantId}/flows/{id}': 'updateFlow',
  'DELETE /v1.0/tenants/{tenantId}/flows/{id}': 'deleteFlow',
  'POST /v1.0/tenants/{tenantId}/flows/bulk-delete': 'bulkDeleteFlows',
  'POST /v1.0/tenants/{tenantId}/flows/{id}/ensure-steps': 'ensureFlowSteps',
  'POST /v1.0/tenants/{tenantId}/flows/{id}/runs': 'enqueueFlowRun',
  'POST /v1.0/tenants/{tenantId}/flows/{id}/validate': 'validateFlow',

  // Triggers
  'GET /v1.0/tenants/{tenantId}/triggers': 'listTriggers',
  'POST /v1.0/tenants/{tenantId}/triggers': 'createTrigger',
  'GET /v1.0/tenants/{tenantId}/triggers/{id}': 'readTrigger',
  'PUT /v1.0/tenants/{tenantId}/triggers/{id}': 'updateTrigger',
  'DELETE /v1.0/tenants/{tenantId}/triggers/{id}': 'deleteTrigger',
  'POST /v1.0/tenants/{tenantId}/triggers/bulk-delete': 'bulkDeleteTriggers',
  'POST /v1.0/triggers/http/{triggerId}': 'fireHttpTrigger',
  'GET /v1.0/triggers/http/{triggerId}': 'fireHttpTriggerByGet',

  // Migrations
  'POST /v1.0/migrations/inline-rest': 'migrateInlineRest',

  // Service logs (admin log viewer)
  'GET /v1.0/logs/sources': 'listLogSources',
  'GET /v1.0/logs/files': 'listLogFiles',
  'GET /v1.0/logs/files/content': 'readLogFile',
  'GET /v1.0/logs/files/download': 'downloadLogFile',
  'DELETE /v1.0/logs/files/content': 'deleteLogFile',

  // Settings
  'GET /v1.0/settings': 'readSettings',
  'GET /v1.0/settings/meta': 'readSettingsMeta',
  'PUT /v1.0/settings': 'updateSettings',

  // Artifacts
  'GET /v1.0/tenants/{tenantId}/artifacts': 'listArtifacts',
  'POST /v1.0/tenants/{tenantId}/artifacts': 'createArtifact',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}': 'readArtifact',
  'PUT /v1.0/tenants/{tenantId}/artifacts/{id}': 'updateArtifact',
  'DELETE /v1.0/tenants/{tenantId}/artifacts/{id}': 'deleteArtifact',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}/files': 'listArtifactFiles',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}/files/content': 'readArtifactFile',
  'PUT /v1.0/tenants/{tenantId}/artifacts/{id}/files/content': 'saveArtifactFile',
  'DELETE /v1.0/tenants/{tenantId}/artifacts/{id}/files/content': 'deleteArtifactFile',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}/versions': 'listArtifactVersions',
  'POST /v1.0/tenants/{tenantId}/artifacts/{id}/versions': 'uploadArtifactVersion',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}/versions/{version}': 'readArtifactVersion',
  'DELETE /v1.0/tenants/{tenantId}/artifacts/{id}/versions/{version}': 'deleteArtifactVersion',
  'GET /v1.0/tenants/{tenantId}/artifacts/{id}/versions/{version}/download': 'downloadArtifactVersion',

  // Runtimes
  'GET /v1.0/runtimes': 'listRuntimes',
  'GET /v1.0/runtimes/{runtimeKey}': 'readRuntime',
  'GET /v1.0/runtimes/external-execution': 'readExternalExecution',
  'GET /v1.0/tenants/{tenantId}/runtimes': 'listTenantRuntimes',
  'GET /v1.0/tenants/{tenantId}/runtimes/external-execution': 'readTenantExternalExecution',
  'POST /v1.0/tenants/{tenantId}/runtimes/validate': 'validateRuntimeConfig',

  // Runs
  'GET /v1.0/tenants/{tenantId}/runs': 'listRuns',
  'GET /v1.0/tenants/{tenantId}/runs/{id}': 'readRun',
  'DELETE /v1.0/tenants/{tenantId}/runs/{id}': 'deleteRun',
  'GET /v1.0/tenants/{tenantId}/runs/{id}/steps': 'listRunSteps',
  'GET /v1.0/tenants/{tenantId}/runs/{id}/activity': 'readRunActivity',
  'POST /v1.0/tenants/{tenantId}/runs/{id}/cancel': 'cancelRun',
  'POST /v1.0/tenants/{tenantId}/runs/bulk-delete': 'bulkDeleteRuns',
  'GET /v1.0/tenants/{tenantId}/runs/{id}/logs': 'listRunLogs',
  'GET /v1.0/tenants/{tenantId}/runs/{id}/logs/content': 'readRunLog',
  'GET /v1.0/tenants/{tenantId}/runs/{id}/logs/download': 'downloadRunLog',
  'DELETE /v1.0/tenants/{tenantId}/runs/{id}/logs/content': 'deleteRunLog',
  'DELETE /v1.0/tenants/{tenantId}/runs/{id}/logs': 'deleteRunLogs',

  // Request history
  'GET /v1.0/api/request-history': 'listRequestHistory',
  'GET /v1.0/api/request-history/summary': 'readRequestHistorySummary',
  'GET /v1.0/api/request-history/{id}': 'readRequestHistoryEntry',
  'DELETE /v1.0/api/request-history/{id}': 'deleteRequestHistoryEntry',
  'DELETE /v1.0/api/request-history': 'deleteRequestHistory',

  // Workers
  'GET /v1.0/workers': 'listWorkers',
  'GET /v1.0/workers/summary': 'readWorkerSummary',
  'GET /v1.0/workers/{id}': 'readWorker',
  'GET /v1.0/workers/{id}/sessions': 'listWorkerSessions',
  'GET /v1.0/workers/{id}/activity': 'listWorkerActivity',
  'POST /v1.0/workers/{id}/drain': 'drainWorker',
  'POST /v1.0/workers/{id}/resume': 'resumeWorker',
  'POST /v1.0/workers/{id}/block': 'blockWorker',
  'POST /v1.0/workers/{id}/unblock': 'unblockWorker',
  'POST /v1.0/workers/{id}/rotate-token': 'rotateWorkerToken',
  'GET /v1.0/workers/artifacts/{tenantId}/blobs/{sha256}/download': 'downloadWorkerArtifact',

  // Audit log
  'GET /v1.0/audit': 'listAuditEvents',
  'GET /v1.0/tenants/{tenantId}/audit': 'listTenantAuditEvents',
};
