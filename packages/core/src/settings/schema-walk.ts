import type { z } from 'zod';

/** The kinds of setting leaves, as environment values are parsed for them. */
export type LeafKind = 'number' | 'boolean' | 'string' | 'enum' | 'array';

/** One settable field: its path in the file and how to read it from text. */
export interface SettingLeaf {
  readonly path: readonly string[];
  readonly kind: LeafKind;
  /** Allowed values of an enum leaf. */
  readonly options: readonly string[];
}

interface SchemaInternals {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly innerType?: z.ZodType;
      readonly in?: z.ZodType;
      readonly element?: z.ZodType;
      readonly shape?: Readonly<Record<string, z.ZodType>>;
      readonly entries?: Readonly<Record<string, string>>;
    };
  };
}

const defOf = (schema: z.ZodType) => (schema as unknown as SchemaInternals)._zod.def;

/** The schema under defaults, optionals, nullables and transforms. */
export const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
};

/** The fields of an object schema, or null when it is not one. */
export const objectShape = (schema: z.ZodType): Readonly<Record<string, z.ZodType>> | null => {
  const def = defOf(unwrap(schema));
  return def.type === 'object' && def.shape ? def.shape : null;
};

/** The element schema of an array schema, or null when it is not one. */
export const arrayElement = (schema: z.ZodType): z.ZodType | null => {
  const def = defOf(unwrap(schema));
  return def.type === 'array' && def.element ? def.element : null;
};

/** Every leaf of a settings schema (arrays count as leaves), in declaration order. */
export const settingLeaves = (schema: z.ZodType, path: readonly string[] = []): SettingLeaf[] => {
  const shape = objectShape(schema);
  if (shape) return Object.entries(shape).flatMap(([key, child]) => settingLeaves(child, [...path, key]));
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'number':
      return [{ path, kind: 'number', options: [] }];
    case 'boolean':
      return [{ path, kind: 'boolean', options: [] }];
    case 'enum':
      return [{ path, kind: 'enum', options: Object.values(def.entries ?? {}) }];
    case 'array':
      return [{ path, kind: 'array', options: [] }];
    default:
      return [{ path, kind: 'string', options: [] }];
  }
};

/**
 * Renames the keys of a raw settings value to the schema's spelling, ignoring case, so a file
 * written with PascalCase names (as .NET writes them) loads. Unknown keys are kept for the
 * schema to reject.
 */
export const matchKeyCase = (raw: unknown, schema: z.ZodType): unknown => {
  const element = arrayElement(schema);
  if (element && Array.isArray(raw)) return raw.map((item) => matchKeyCase(item, element));
  const shape = objectShape(schema);
  if (!shape || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const byLower = new Map(Object.keys(shape).map((key) => [key.toLowerCase(), key]));
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => {
      const canonical = byLower.get(key.toLowerCase()) ?? key;
      const child = shape[canonical];
      return [canonical, child ? matchKeyCase(value, child) : value];
    }),
  );
};
