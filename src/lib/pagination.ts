import { z } from "@hono/zod-openapi";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ description: "Page size (1-100, default 20)." }),
  cursor: z
    .string()
    .max(64)
    .regex(/^[a-z]+_[0-9A-Za-z]+$/, "cursor must be a `next_cursor` value from a previous page")
    .optional()
    .openapi({ description: "The `next_cursor` of the previous page." }),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

/**
 * Queries fetch `limit + 1` rows ordered by id (ids are time-ordered); the extra row only says
 * whether another page exists.
 */
export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  render: (row: Row) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: pageRows.map(render),
    has_more: hasMore,
    next_cursor: hasMore ? (pageRows.at(-1)?.id ?? null) : null,
  };
}
