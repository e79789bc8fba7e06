import {
  RuntimeConfig,
  type RuntimeConfigProperty,
  type RuntimeDescriptor,
  type RuntimeKey,
} from '@tempo/contracts';
import type { z } from 'zod';

type Description = Omit<RuntimeDescriptor, 'availability' | 'configProperties' | 'configTypeName'>;

interface ZodDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Readonly<Record<string, string>>;
}
const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

/** The type name and requiredness of one config field, read from its schema. */
const describeField = (schema: z.ZodType): { type: string; required: boolean } => {
  let current = schema;
  let required = true;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') required = false;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) break;
    current = inner;
  }
  const def = defOf(current);
  if (def.type === 'array') return { type: `${describeField(def.element as z.ZodType).type}[]`, required };
  if (def.type === 'enum') return { type: Object.values(def.entries ?? {}).join('|'), required };
  if (def.type === 'record') return { type: 'object', required };
  return { type: def.type, required };
};

/** Config fields of a runtime, derived from its schema so the catalog never disagrees with validation. */
const configOf = (
  runtimeKey: RuntimeKey,
): { configTypeName: string; configProperties: RuntimeConfigProperty[] } => {
  const option = RuntimeConfig.options.find((candidate) => candidate.shape.runtimeKey.value === runtimeKey);
  if (!option) return { configTypeName: 'None', configProperties: [] };
  const configProperties = Object.entries(option.shape as Record<string, z.ZodType>)
    .filter(([name]) => name !== 'runtimeKey')
    .map(([name, schema]) => ({ name, ...describeField(schema), description: schema.description ?? null }));
  const configTypeName = `${runtimeKey.replace('.', '')}Config`;
  return { configTypeName, configProperties };
};

const ALL_CONTRACTS = ['Loose', 'Schema', 'Typed', 'Binary'] as const;
const JSON_CONTRACTS = ['Loose', 'Schema', 'Typed'] as const;

const BASE: readonly Description[] = [
  {
    runtimeKey: 'Builtin.Class',
    displayName: 'Built-in class',
    description: 'A TypeScript step class registered in the server process.',
    packagingType: 'Builtin',
    supportedContractTypes: [...ALL_CONTRACTS],
    supportsArtifacts: false,
    supportsVersioning: false,
    securityNotes: 'Runs inside the server or worker process with its full rights.',
  },
  {
    runtimeKey: 'Builtin.Method',
    displayName: 'Built-in method',
    description: 'A TypeScript step function registered in the server process.',
    packagingType: 'Builtin',
    supportedContractTypes: [...ALL_CONTRACTS],
    supportsArtifacts: false,
    supportsVersioning: false,
    securityNotes: 'Runs inside the server or worker process with its full rights.',
  },
  {
    runtimeKey: 'External.Rest',
    displayName: 'External REST call',
    description: 'Calls an HTTP endpoint with the step input and maps its answer to the step result.',
    packagingType: 'External',
    supportedContractTypes: [...JSON_CONTRACTS],
    supportsArtifacts: false,
    supportsVersioning: false,
    securityNotes: 'Sends requests from the server host to the configured URL.',
  },
  {
    runtimeKey: 'Legacy.InlineRest',
    displayName: 'Legacy inline REST',
    description: 'Read-only compatibility for REST calls defined inline in old flow transitions.',
    packagingType: 'External',
    supportedContractTypes: ['Loose'],
    supportsArtifacts: false,
    supportsVersioning: false,
    securityNotes: 'Migrate to External.Rest steps with POST /v1.0/migrations/inline-rest.',
  },
  {
    runtimeKey: 'Artifact.Process',
    displayName: 'Artifact process',
    description: 'Runs an executable from an artifact package, speaking protocol v1 over stdio.',
    packagingType: 'Artifact',
    supportedContractTypes: [...ALL_CONTRACTS],
    supportsArtifacts: true,
    supportsVersioning: true,
    securityNotes:
      'Child process without a shell, clean environment, own working folder, time and output limits.',
  },
  {
    runtimeKey: 'Artifact.Python',
    displayName: 'Artifact Python',
    description: 'Calls a Python function from an artifact package in a child process.',
    packagingType: 'Artifact',
    supportedContractTypes: [...JSON_CONTRACTS],
    supportsArtifacts: true,
    supportsVersioning: true,
    securityNotes:
      'Child process without a shell, clean environment, own working folder, time and output limits.',
  },
  {
    runtimeKey: 'Artifact.JavaScript',
    displayName: 'Artifact JavaScript',
    description: 'Calls a JavaScript function from an artifact package in a Node.js child process.',
    packagingType: 'Artifact',
    supportedContractTypes: [...JSON_CONTRACTS],
    supportsArtifacts: true,
    supportsVersioning: true,
    securityNotes:
      'Child process without a shell, clean environment, own working folder, time and output limits.',
  },
  {
    runtimeKey: 'Artifact.DotnetProcess',
    displayName: 'Artifact .NET process',
    description: 'Runs a .NET assembly from an artifact package with the dotnet host.',
    packagingType: 'Artifact',
    supportedContractTypes: [...ALL_CONTRACTS],
    supportsArtifacts: true,
    supportsVersioning: true,
    securityNotes:
      'Child process without a shell, clean environment, own working folder, time and output limits.',
  },
  {
    runtimeKey: 'Host.Executable',
    displayName: 'Host executable',
    description: 'Runs an executable the operator allowlisted in settings, with its argument policy.',
    packagingType: 'Host',
    supportedContractTypes: [...ALL_CONTRACTS],
    supportsArtifacts: false,
    supportsVersioning: false,
    securityNotes: 'Only operator-allowlisted paths run; tenants choose an allowlist key, never a path.',
  },
];

/** Every runtime of the catalog, without availability (the probe adds it). */
export const RUNTIME_DESCRIPTIONS: readonly Omit<RuntimeDescriptor, 'availability'>[] = BASE.map(
  (description) => ({
    ...description,
    ...configOf(description.runtimeKey),
  }),
);
