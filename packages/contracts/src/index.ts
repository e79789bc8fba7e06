/**
 * @tempo/contracts: every wire shape of Tempo as a zod schema with its inferred type, the enums,
 * the id prefixes and the error model. Browser-safe: nothing here imports `node:` modules.
 */
export * from './artifact-manifest.ts';
export * from './artifacts.ts';
export * from './artifacts-api.ts';
export * from './assert-never.ts';
export * from './audit-api.ts';
export * from './auth-api.ts';
export * from './common.ts';
export * from './definitions.ts';
export * from './definitions-api.ts';
export * from './enums.ts';
export * from './errors.ts';
export * from './id-prefixes.ts';
export * from './identity.ts';
export * from './identity-api.ts';
export * from './log-viewer.ts';
export * from './null-properties.ts';
export * from './paging.ts';
export * from './request-history.ts';
export * from './run-logs.ts';
export * from './runs.ts';
export * from './runs-api.ts';
export * from './runtime-configs.ts';
export * from './runtimes-api.ts';
export * from './settings.ts';
export * from './settings-api.ts';
export * from './step-protocol.ts';
export * from './worker-protocol.ts';
export * from './worker-settings.ts';
export * from './workers.ts';
