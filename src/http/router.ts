import { type Hook, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import type { AppEnv } from "./context";

/** zod issues in a stable, client-readable form: where, what, and zod's machine code. */
export function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
    code: issue.code,
  }));
}

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by every route, whatever its schemas.
const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    const where = result.target === "json" ? "request body" : `request ${result.target}`;
    throw new ApiError("validation_failed", `The ${where} is invalid.`, {
      details: issuesOf(result.error),
    });
  }
};

/** Every router shares the hook, so zod failures anywhere become the one §9 error shape. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      details: z.unknown().optional(),
      request_id: z.string().optional(),
    }),
  })
  .openapi("Error");

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON",
  401: "Missing, invalid or expired credentials",
  403: "Authenticated but not allowed",
  404: "Not found (also for other accounts' objects)",
  409: "Conflict with the current state",
  413: "Body too large",
  415: "Body is not JSON",
  422: "Validation failed; zod issues in `details`",
  429: "Rate limited; see Retry-After",
  503: "Not configured, or briefly unavailable; see Retry-After",
};

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ErrorSchema } },
      },
    ]),
  );
}

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
