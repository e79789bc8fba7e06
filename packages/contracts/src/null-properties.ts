import type { z } from 'zod';

/**
 * The API's rule for null properties: a property of a Tempo record whose value is null is left
 * out of JSON answers, as Tempo v0.3.0 did; JSON that users supply (run data, metadata, runtime
 * configuration values, transitions) passes untouched, nulls included. The server drops them
 * in its response serializer and `@tempo/client` puts them back before it parses an answer, both
 * guided by the same response schema through the walk below.
 *
 * Which properties are "ours": the keys an object schema declares with `.nullable()` (or
 * `.nullish()`) somewhere in its wrappers. Keys typed as any JSON (`unknown`, `any`, records,
 * lazy JSON values, plain unions) are never touched, nor is anything inside them.
 */

/** Rewrites one value as the schema describes it; returns the value itself when nothing changes. */
export type NullPropertyRewrite = (value: unknown) => unknown;

/** The few fields of a zod definition the walk reads. */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly out?: z.core.$ZodType;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: string;
}

const defOf = (schema: z.core.$ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;

/** Wrappers that change what a value may be, not its shape. */
const WRAPPERS: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'nonoptional',
  'readonly',
  'catch',
]);

/**
 * A pipe's JSON side is its input schema; a preprocess step (a transform first) says nothing of
 * the shape, so its output schema describes the value.
 */
const pipeSide = (def: SchemaDef): z.core.$ZodType | undefined =>
  def.in && defOf(def.in).type === 'transform' ? def.out : def.in;

/** Walks through the wrappers and pipes of a schema; reports whether one of them allows null. */
const unwrap = (schema: z.core.$ZodType): { readonly core: z.core.$ZodType; readonly nullable: boolean } => {
  let core = schema;
  let nullable = false;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(core);
    const next = def.type === 'pipe' ? pipeSide(def) : WRAPPERS.has(def.type) ? def.innerType : undefined;
    if (def.type === 'nullable') nullable = true;
    if (next === undefined) break;
    core = next;
  }
  return { core, nullable };
};

/** What happens to one declared property whose value is null or absent. */
type KeyMode = 'omit' | 'restore';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface KeyRule {
  /** The key is declared nullable: its null is ours to drop or restore. */
  readonly nullable: boolean;
  /** The rewrite of a non-null value of the key, when its shape holds declared keys. */
  readonly inner: NullPropertyRewrite | null;
}

/** Compiles schemas into rewrites, once per schema. */
class RewriteCompiler {
  readonly #mode: KeyMode;
  readonly #cache = new WeakMap<z.core.$ZodType, NullPropertyRewrite | null>();

  constructor(mode: KeyMode) {
    this.#mode = mode;
  }

  /** The rewrite of values of `schema`, or null when the schema declares nothing to rewrite. */
  compile(schema: z.core.$ZodType): NullPropertyRewrite | null {
    const cached = this.#cache.get(schema);
    if (cached !== undefined) return cached;
    // Guards against a schema that reaches itself; recursive shapes are JSON values here.
    this.#cache.set(schema, null);
    const rewrite = this.#build(unwrap(schema).core);
    this.#cache.set(schema, rewrite);
    return rewrite;
  }

  #build(core: z.core.$ZodType): NullPropertyRewrite | null {
    const def = defOf(core);
    switch (def.type) {
      case 'object':
        return def.shape ? this.#object(def.shape) : null;
      case 'array': {
        const element = def.element ? this.compile(def.element) : null;
        return element === null
          ? null
          : (value) => (Array.isArray(value) ? value.map((item) => element(item)) : value);
      }
      case 'union':
        return def.discriminator && def.options ? this.#discriminated(def.discriminator, def.options) : null;
      default:
        // unknown, any, record, lazy JSON, plain unions, scalars: user JSON or nothing to do.
        return null;
    }
  }

  #object(shape: Readonly<Record<string, z.core.$ZodType>>): NullPropertyRewrite | null {
    const rules = new Map<string, KeyRule>();
    for (const [key, schema] of Object.entries(shape)) {
      const { nullable } = unwrap(schema);
      const inner = this.compile(schema);
      if (nullable || inner !== null) rules.set(key, { nullable, inner });
    }
    if (rules.size === 0) return null;
    const restoring = this.#mode === 'restore';
    return (value) => {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = value[key];
        const rule = rules.get(key);
        if (rule === undefined || item === undefined) out[key] = item;
        else if (item === null) {
          if (restoring || !rule.nullable) out[key] = null;
        } else out[key] = rule.inner ? rule.inner(item) : item;
      }
      if (restoring) {
        for (const [key, rule] of rules) if (rule.nullable && out[key] === undefined) out[key] = null;
      }
      return out;
    };
  }

  #discriminated(discriminator: string, options: readonly z.core.$ZodType[]): NullPropertyRewrite | null {
    const byValue = new Map<unknown, NullPropertyRewrite>();
    for (const option of options) {
      const rewrite = this.compile(option);
      const values = unwrap(option).core._zod.propValues?.[discriminator];
      if (rewrite === null || values === undefined) continue;
      for (const tag of values) byValue.set(tag, rewrite);
    }
    if (byValue.size === 0) return null;
    return (value) => {
      if (!isPlainObject(value)) return value;
      const rewrite = byValue.get(value[discriminator]);
      return rewrite ? rewrite(value) : value;
    };
  }
}

const omitting = new RewriteCompiler('omit');
const restoring = new RewriteCompiler('restore');

/**
 * The server side of the rule: a rewrite that leaves out every declared nullable property whose
 * value is null, or null when the schema has none (the answer is then sent as it is).
 */
export const omitNullProperties = (schema: z.core.$ZodType): NullPropertyRewrite | null =>
  omitting.compile(schema);

/**
 * The client side of the rule: a rewrite that sets every absent declared nullable property to
 * null, so that callers see `null` where the types say `T | null`; null when the schema has none.
 */
export const restoreNullProperties = (schema: z.core.$ZodType): NullPropertyRewrite | null =>
  restoring.compile(schema);
