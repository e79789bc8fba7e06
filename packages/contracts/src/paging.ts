import { z } from 'zod';

/** Largest page a list route serves; larger requests are refused, not truncated. */
export const MAX_PAGE_SIZE = 1000;

/** Default page size of every list route. */
export const DEFAULT_PAGE_SIZE = 25;

/** Query string booleans: `true`/`false`/`1`/`0`, case-insensitive. */
export const QueryBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE', '1', '0'])])
  .transform(
    (value) => value === true || value === 'true' || value === 'True' || value === 'TRUE' || value === '1',
  );

/** Paging query of every list route. */
export const PageQuery = z.object({
  /** 1-based page number; default 1. */
  pageNumber: z.coerce.number().int().min(1).default(1),
  /** Items per page; default 25, at most 1000. */
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  /** Include records with `active=false`; default false. */
  includeInactive: QueryBoolean.default(false),
});
export type PageQuery = z.infer<typeof PageQuery>;
/** Paging query as a caller writes it (every field optional). */
export type PageQueryInput = z.input<typeof PageQuery>;

/** The list wrapper of every paged route, for items of schema `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    pageNumber: z.number().int(),
    pageSize: z.number().int(),
    totalCount: z.number().int(),
    items: z.array(item),
  });

/** A page of items as served by a list route. */
export interface Page<T> {
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly totalCount: number;
  readonly items: T[];
}
