/**
 * ID prefix of every entity. An id is the prefix, a time-ordered part and a random part, at most
 * {@link ID_MAX_LENGTH} characters. Prefixes are for humans: never branch on them.
 */
export const IdPrefix = {
  account: 'acc_',
  administrator: 'adm_',
  tenant: 'ten_',
  user: 'usr_',
  credential: 'crd_',
  role: 'rol_',
  userRoleMap: 'urm_',
  permission: 'prm_',
  rolePermissionMap: 'rpm_',
  dataFlow: 'flow_',
  step: 'step_',
  trigger: 'trg_',
  flowRun: 'run_',
  stepRun: 'sru_',
  requestHistory: 'req_',
  auditEvent: 'aud_',
  artifact: 'art_',
  artifactVersion: 'arv_',
  worker: 'wrk_',
  workerSession: 'wse_',
  runAssignment: 'ras_',
  workerActivity: 'wac_',
  serverInstance: 'srv_',
  tokenNonce: 'non_',
  accessKey: 'pub_',
  secretKey: 'key_',
} as const;

/** Name of an entity that has an id prefix. */
export type IdKind = keyof typeof IdPrefix;

/** Total length limit of every generated id, prefix included. */
export const ID_MAX_LENGTH = 32;

/** Fixed id of the server's in-process pseudo-worker. */
export const LOCAL_SERVER_WORKER_ID = 'wrk_local_server';
