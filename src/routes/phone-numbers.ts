import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAdmin, requireScope } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { E164 } from "../messaging/phone";
import {
  addPhoneNumber,
  listPhoneNumbers,
  phoneNumberResource,
  removePhoneNumber,
} from "../numbers/service";
import { idParam } from "./schemas";

const tags = ["Phone numbers"];
const read = requireScope("messages:read");

const PhoneNumberSchema = z
  .object({
    id: z.string().openapi({ example: "pn_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    number: z.string().openapi({ example: "+15555550123" }),
    livemode: z.boolean(),
    account_id: z.string(),
    created_at: z.string(),
  })
  .openapi("PhoneNumber");

const createRoute_ = createRoute({
  method: "post",
  path: "/v1/phone-numbers",
  operationId: "createPhoneNumber",
  tags,
  summary: "Give the account a phone number (admin)",
  description:
    "Admins only, from a session. A number belongs to one account in one mode (`livemode`, default true); a second claim is `409 number_taken`. A live number must exist in the configured Twilio account (`422 number_not_in_carrier`); a test number may be any E.164 number. Sends and calls may only use the account's own numbers as `from`. An account may hold at most `MAX_PHONE_NUMBERS_PER_ACCOUNT` numbers (default 100, both modes together): `422 limit_reached` with `details.limit` beyond.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: jsonBody(
    z.object({
      number: E164,
      livemode: z.boolean().default(true).openapi({ description: "false for a test number." }),
    }),
  ),
  responses: {
    201: jsonContent(PhoneNumberSchema, "The account's new number"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/phone-numbers",
  operationId: "listPhoneNumbers",
  tags,
  summary: "List the account's phone numbers, newest first",
  description:
    "Sessions see both modes; an API key (scope `messages:read`) sees its own mode's numbers. Paginated with `limit` and `cursor`.",
  middleware: [read] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(PhoneNumberSchema), "A page of numbers"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/phone-numbers/{id}",
  operationId: "deletePhoneNumber",
  tags,
  summary: "Release a phone number (admin)",
  description:
    "Admins only. The account stops sending from the number at once and its inbound messages are refused from then on.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("pn") },
  responses: {
    200: jsonContent(
      z.object({ id: z.string(), deleted: z.literal(true) }),
      "The number was released",
    ),
    ...errorResponses(401, 403, 404, 503),
  },
});

export const phoneNumberRoutes = createRouter()
  .openapi(createRoute_, async (c) => {
    const { number, livemode } = c.req.valid("json");
    const row = await addPhoneNumber(
      { db: c.get("db"), env: c.env, services: c.get("services") },
      principalOf(c).accountId,
      number,
      livemode,
    );
    return c.json(phoneNumberResource(row), 201);
  })
  .openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const principal = principalOf(c);
    const mode = principal.kind === "session" ? undefined : principal.livemode;
    const rows = await listPhoneNumbers(c.get("db"), principal.accountId, mode, limit, cursor);
    return c.json(toPage(rows, limit, phoneNumberResource), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    await removePhoneNumber(
      { db: c.get("db"), env: c.env },
      principalOf(c).accountId,
      id,
      undefined,
    );
    return c.json({ id, deleted: true as const }, 200);
  });
