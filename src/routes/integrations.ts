import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { hasSubAccounts } from "../auth/hierarchy";
import { accounts } from "../db/schema";
import { withLiveStats } from "../delivery/sync";
import { ApiError, notFound } from "../errors";
import { principalOf, requireScope } from "../http/auth";
import type { AppEnv } from "../http/context";
import { endpointDeps } from "../http/deps";
import { createRouter, errorResponses } from "../http/router";
import { PageQuery, toPage } from "../lib/pagination";
import type { EndpointInput } from "../webhooks/endpoints";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  updateEndpoint,
  validatedUrl,
} from "../webhooks/endpoints";
import {
  DEFAULT_ACTIONS,
  eventsFromActions,
  IntegrationBody,
  IntegrationPatch,
  IntegrationSchema,
  integrationResource,
  TEXTUS_MEDIA_TYPE,
} from "../webhooks/integration-shape";

const read = requireScope("webhooks:read");
const write = requireScope("webhooks:write");
const SlugParam = z.object({
  slug: z
    .string()
    .max(64)
    .openapi({ param: { name: "slug", in: "path" }, example: "pupstar-primary" }),
});
const SlugIdParam = SlugParam.extend({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: {
    content: { "application/json": { schema }, [TEXTUS_MEDIA_TYPE]: { schema } },
    required: true,
  },
});
/** Success bodies come in TextUs's media type when `Accept` asks for it, plain JSON otherwise. */
const textusContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema }, [TEXTUS_MEDIA_TYPE]: { schema } },
});
const IntegrationList = z.object({
  data: z.array(IntegrationSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
});

/** The slug must be the caller's own account; anything else is indistinguishable from absent. */
async function ownSlug(c: Context<AppEnv>, slug: string): Promise<string> {
  const { accountId } = principalOf(c);
  const rows = await c
    .get("db")
    .select({ slug: accounts.slug })
    .from(accounts)
    .where(and(eq(accounts.id, accountId), eq(accounts.slug, slug)))
    .limit(1);
  if (!rows[0]) throw notFound("account");
  return slug;
}

/** Answers in TextUs's media type when the caller asked for it, as seed 003's curl does. */
const mediaType = (c: Context<AppEnv>) => ({
  "Content-Type": (c.req.header("accept") ?? "").includes(TEXTUS_MEDIA_TYPE)
    ? TEXTUS_MEDIA_TYPE
    : "application/json",
});

function enabledEvents(
  actions: Parameters<typeof eventsFromActions>[0] | undefined,
  current?: readonly string[],
) {
  const events =
    actions === undefined
      ? current
        ? [...current]
        : DEFAULT_ACTIONS
      : eventsFromActions(actions, current);
  if (events.length === 0) {
    throw new ApiError("validation_failed", "Enable at least one action in settings.actions.", {
      details: [
        { path: "settings.actions", message: "Enable at least one action.", code: "too_small" },
      ],
    });
  }
  return events as EndpointInput["events"];
}

/** `noun` keeps operationIds unique across the two prefixes (`createIntegration`, `createAccountIntegration`). */
function register(router: OpenAPIHono<AppEnv>, prefix: string, noun: string) {
  const tags = ["Integrations"];
  const collection = `${prefix}/integrations`;
  const item = `${collection}/{id}`;
  const replace = (method: "put" | "patch") =>
    createRoute({
      method,
      path: item,
      operationId: `${method === "put" ? "replace" : "update"}${noun}`,
      tags,
      summary: method === "put" ? "Replace an integration" : "Update an integration",
      description:
        method === "put"
          ? "Needs `webhooks:write`. The whole seed 003 body: an omitted `active`, `settings.actions` or `config.clientSecret` returns to its default."
          : "Needs `webhooks:write`. Only the fields given change; `settings.actions` merges into the current subscriptions.",
      middleware: [write] as const,
      request: {
        params: SlugIdParam,
        ...body(method === "put" ? IntegrationBody : IntegrationPatch),
      },
      responses: {
        200: textusContent(IntegrationSchema, "The integration"),
        ...errorResponses(400, 401, 403, 404, 413, 422, 429),
      },
    });

  router
    .openapi(
      createRoute({
        method: "post",
        path: collection,
        operationId: `create${noun}`,
        tags,
        summary: "Register a webhook integration (seed 003's body, accepted as-is)",
        description:
          "Needs `webhooks:write`. The body is parsed as JSON whatever its Content-Type says (seed 003's curl labels it form-urlencoded). Creates a webhook endpoint that `/v1/webhooks` also shows.",
        middleware: [write] as const,
        request: { params: SlugParam, ...body(IntegrationBody) },
        responses: {
          201: textusContent(IntegrationSchema, "The integration, with its webhook secret"),
          ...errorResponses(400, 401, 403, 404, 413, 422, 429),
        },
      }),
      async (c) => {
        const slug = await ownSlug(c, c.req.valid("param").slug);
        const input = c.req.valid("json");
        const endpoint = await createEndpoint(
          endpointDeps(c),
          principalOf(c).accountId,
          {
            url: validatedUrl(
              input.config.baseUrl,
              c.get("config").allowPrivateWebhookUrls,
              "config.baseUrl",
            ),
            events: enabledEvents(input.settings?.actions),
            active: input.active,
            secret: input.config.webhookSecret,
            clientSecret: input.config.clientSecret,
            // TextUs registers integrations on the org account "at the top of the hierarchy".
            includeSubaccounts:
              input.settings?.includeSubaccounts ??
              (await hasSubAccounts(c.get("db"), principalOf(c).accountId)),
          },
          "integrations",
        );
        return c.json(integrationResource(endpoint, slug, { withSecret: true }), 201, mediaType(c));
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: collection,
        operationId: `list${noun}s`,
        tags,
        summary: "List integrations",
        description:
          "Needs `webhooks:read`; every webhook endpoint of the account, in the integration shape.",
        middleware: [read] as const,
        request: { params: SlugParam, query: PageQuery },
        responses: {
          200: textusContent(IntegrationList, "A page of integrations"),
          ...errorResponses(401, 403, 404, 422, 429),
        },
      }),
      async (c) => {
        const slug = await ownSlug(c, c.req.valid("param").slug);
        const { limit, cursor } = c.req.valid("query");
        const rows = await listEndpoints(c.get("db"), principalOf(c).accountId, limit, cursor);
        return c.json(
          toPage(await withLiveStats(c.env, rows), limit, (row) => integrationResource(row, slug)),
          200,
          mediaType(c),
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: item,
        operationId: `get${noun}`,
        tags,
        summary: "Retrieve an integration",
        description: "Needs `webhooks:read`.",
        middleware: [read] as const,
        request: { params: SlugIdParam },
        responses: {
          200: textusContent(IntegrationSchema, "The integration"),
          ...errorResponses(401, 403, 404, 429),
        },
      }),
      async (c) => {
        const { slug, id } = c.req.valid("param");
        await ownSlug(c, slug);
        return c.json(
          integrationResource(
            (
              await withLiveStats(c.env, [
                await getEndpoint(c.get("db"), principalOf(c).accountId, id),
              ])
            )[0]!,
            slug,
          ),
          200,
          mediaType(c),
        );
      },
    )
    .openapi(replace("put"), async (c) => {
      const { slug, id } = c.req.valid("param");
      await ownSlug(c, slug);
      const input = c.req.valid("json") as z.infer<typeof IntegrationBody>;
      const endpoint = await updateEndpoint(endpointDeps(c), principalOf(c).accountId, id, {
        url: validatedUrl(
          input.config.baseUrl,
          c.get("config").allowPrivateWebhookUrls,
          "config.baseUrl",
        ),
        events: enabledEvents(input.settings?.actions),
        active: input.active ?? true,
        secret: input.config.webhookSecret,
        clientSecret: input.config.clientSecret ?? null,
        includeSubaccounts: input.settings?.includeSubaccounts,
      });
      return c.json(integrationResource(endpoint, slug), 200, mediaType(c));
    })
    .openapi(replace("patch"), async (c) => {
      const { slug, id } = c.req.valid("param");
      await ownSlug(c, slug);
      const input = c.req.valid("json") as z.infer<typeof IntegrationPatch>;
      const accountId = principalOf(c).accountId;
      const current = await getEndpoint(c.get("db"), accountId, id);
      const baseUrl = input.config?.baseUrl;
      const endpoint = await updateEndpoint(endpointDeps(c), accountId, id, {
        url:
          baseUrl === undefined
            ? undefined
            : validatedUrl(baseUrl, c.get("config").allowPrivateWebhookUrls, "config.baseUrl"),
        events: input.settings?.actions
          ? enabledEvents(input.settings.actions, current.events)
          : undefined,
        includeSubaccounts: input.settings?.includeSubaccounts,
        active: input.active,
        secret: input.config?.webhookSecret,
        clientSecret: input.config?.clientSecret,
      });
      return c.json(integrationResource(endpoint, slug), 200, mediaType(c));
    })
    .openapi(
      createRoute({
        method: "delete",
        path: item,
        operationId: `delete${noun}`,
        tags,
        summary: "Delete an integration",
        description: "Needs `webhooks:write`; deletes the webhook endpoint behind it.",
        middleware: [write] as const,
        request: { params: SlugIdParam },
        responses: {
          200: textusContent(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"),
          ...errorResponses(401, 403, 404, 429),
        },
      }),
      async (c) => {
        const { slug, id } = c.req.valid("param");
        await ownSlug(c, slug);
        const endpoint = await deleteEndpoint(endpointDeps(c), principalOf(c).accountId, id);
        return c.json({ id: endpoint.id, deleted: true as const }, 200, mediaType(c));
      },
    );
}

/** `/{slug}/integrations` as in seed 003, and the same under `/v1/accounts/{slug}`. */
export function integrationRoutes() {
  const router = createRouter();
  register(router, "/v1/accounts/{slug}", "AccountIntegration");
  register(router, "/{slug}", "Integration");
  return router;
}
