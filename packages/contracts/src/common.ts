import { z } from 'zod';

/** A UTC timestamp on the wire: ISO 8601 with milliseconds and `Z`, e.g. `2026-01-02T03:04:05.678Z`. */
export const UtcTimestamp = z.iso.datetime({ offset: true });
export type UtcTimestamp = z.infer<typeof UtcTimestamp>;

/** A server-generated id: printable, no white space, at most 64 characters. */
export const EntityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids hold letters, digits and _ . : - only');
export type EntityId = z.infer<typeof EntityId>;

/** A required, trimmed, non-blank name of at most `max` characters. */
export const requiredName = (max = 255) => z.string().trim().min(1, 'must not be blank').max(max);

/** Fields every tenant-owned, soft-deletable record carries. */
export const auditedFields = {
  /** False keeps the record but hides it from lists and new executions; default true. */
  active: z.boolean(),
  /** True blocks deletion (seeded records are protected); default false. */
  isProtected: z.boolean(),
  /** When the record was created. */
  createdUtc: UtcTimestamp,
  /** When the record last changed. */
  lastUpdateUtc: UtcTimestamp,
};

/** A string holding JSON text (stored and served as text, never as an object). */
export const JsonText = z.string().refine((text) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}, 'must be valid JSON text');
export type JsonText = z.infer<typeof JsonText>;

/**
 * The update body of a create body: every field optional and none with a default. A plain
 * `.partial()` keeps the create schema's `.default()`s, so a `PUT` that names one field would
 * silently reset the others to their defaults (a renamed Deny permission came back Permit All).
 */
export const updateOf = <Shape extends z.ZodRawShape>(create: z.ZodObject<Shape>) =>
  z.object(
    Object.fromEntries(
      Object.entries(create.shape).map(([key, field]) => [
        key,
        z.optional(field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field),
      ]),
    ) as { [K in keyof Shape]: z.ZodOptional<WithoutDefault<Shape[K]>> },
  );

/** The schema inside a `.default()`, or the schema itself. */
type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;
