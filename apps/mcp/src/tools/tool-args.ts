import { z } from 'zod';

/** `tenantId` of every tenant-scoped tool. */
export const tenantIdArg = z
  .string()
  .min(1, 'tenantId must not be empty.')
  .max(64)
  .optional()
  .describe(
    'Tenant id (e.g. "ten_..."). Optional: the MCP server\'s configured default tenant is used when omitted.',
  );

/** A required string argument whose errors name `field`, missing or of the wrong type. */
export const requiredText = (field: string, hint: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined ? `${field} is required: ${hint}` : `${field} must be a string: ${hint}`,
  });

/** A required id argument named `field`, described for a model. */
export const idArg = (field: string, what: string) =>
  requiredText(field, `${what}.`).min(1, `${field} must not be empty.`).max(128).describe(what);

/** Optional paging arguments of list tools. */
export const pagingArgs = {
  pageNumber: z.number().int().min(1).optional().describe('1-based page number; default 1.'),
  pageSize: z.number().int().min(1).max(1000).optional().describe('Items per page, 1-1000; default 25.'),
} as const;

/** Paging plus `includeInactive`, as every collection list takes. */
export const listArgs = {
  ...pagingArgs,
  includeInactive: z.boolean().optional().describe('Include records with active=false; default false.'),
} as const;

/** A JSON object sent as a REST request body, described for a model. */
export const bodyArg = (what: string) =>
  z.record(z.string(), z.unknown(), { error: `body is required: ${what}.` }).describe(what);

/** `path` of a log file, relative to its folder. */
export const logPathArg = (example: string) =>
  requiredText('path', `the log file, e.g. "${example}".`)
    .min(1, 'path must not be empty.')
    .max(512)
    .describe(`Log file path relative to its folder, as the list tool returns it (e.g. "${example}").`);

/** Bounds of a log tail read. */
export const tailArgs = {
  tailLines: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Return at most this many last lines (server clamps).'),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Read at most this many bytes from the end (server clamps).'),
} as const;
