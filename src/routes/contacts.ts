import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { runLedger } from "../http/ledger";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema } from "../lib/pagination";
import { E164 } from "../messaging/phone";
import { idParam } from "./schemas";

const tags = ["Contacts"];

const ContactSchema = z
  .object({
    id: z.string().openapi({ example: "ct_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    phone: z.string(),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    opted_out: z.boolean(),
    opted_out_at: z.string().nullable(),
    livemode: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Contact");

const Name = z.string().trim().max(200).nullable();
const Tags = z
  .array(z.string().trim().min(1).max(50))
  .max(50)
  .openapi({ example: ["Warm"] });
const read = requireScope("contacts:read");
const write = requireScope("contacts:write");
const keyHeader = { headers: z.object({ "idempotency-key": z.string().max(255).optional() }) };

const createContactRoute = createRoute({
  method: "post",
  path: "/v1/contacts",
  operationId: "createContact",
  tags,
  summary: "Create a contact (fires `contact.created`)",
  description: "Needs `contacts:write`. A phone number already stored for the account is a 409.",
  middleware: [write] as const,
  request: {
    ...keyHeader,
    ...jsonBody(z.strictObject({ phone: E164, name: Name.optional(), tags: Tags.optional() })),
  },
  responses: {
    201: jsonContent(ContactSchema, "The contact"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

const listContactsRoute = createRoute({
  method: "get",
  path: "/v1/contacts",
  operationId: "listContacts",
  tags,
  summary: "List contacts, newest first",
  description: "Needs `contacts:read`.",
  middleware: [read] as const,
  request: {
    query: PageQuery.extend({
      tag: z.string().max(50).optional(),
      opted_out: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: {
    200: jsonContent(pageSchema(ContactSchema), "A page of contacts"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const getContactRoute = createRoute({
  method: "get",
  path: "/v1/contacts/{id}",
  operationId: "getContact",
  tags,
  summary: "Retrieve a contact",
  description: "Needs `contacts:read`.",
  middleware: [read] as const,
  request: { params: idParam("ct") },
  responses: {
    200: jsonContent(ContactSchema, "The contact"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const updateContactRoute = createRoute({
  method: "patch",
  path: "/v1/contacts/{id}",
  operationId: "updateContact",
  tags,
  summary: "Update a contact (tag changes fire `contact.tag_changed`)",
  description:
    "Needs `contacts:write`. Opt-out state changes only through opt-out/opt-in or STOP/START.",
  middleware: [write] as const,
  request: {
    params: idParam("ct"),
    ...jsonBody(
      z.strictObject({ phone: E164.optional(), name: Name.optional(), tags: Tags.optional() }),
    ),
  },
  responses: {
    200: jsonContent(ContactSchema, "The contact"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});

const deleteContactRoute = createRoute({
  method: "delete",
  path: "/v1/contacts/{id}",
  operationId: "deleteContact",
  tags,
  summary: "Delete a contact",
  description: "Needs `contacts:write`.",
  middleware: [write] as const,
  request: { params: idParam("ct") },
  responses: {
    200: jsonContent(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const optRoute = (action: "opt-out" | "opt-in") =>
  createRoute({
    method: "post",
    path: `/v1/contacts/{id}/${action}`,
    operationId: action === "opt-out" ? "optOutContact" : "optInContact",
    tags,
    summary:
      action === "opt-out"
        ? "Opt a contact out of messages (fires `contact.opted_out`)"
        : "Opt a contact back in (fires `contact.opted_in`)",
    description:
      "Needs `contacts:write`. Has the same effect as the contact texting STOP or START; repeating it changes nothing.",
    middleware: [write] as const,
    request: { params: idParam("ct"), ...keyHeader },
    responses: {
      200: jsonContent(ContactSchema, "The contact"),
      ...errorResponses(401, 403, 404, 409, 429),
    },
  });

export const contactRoutes = createRouter()
  .openapi(createContactRoute, (c) => runLedger(c, "createContact", c.req.valid("json")))
  .openapi(listContactsRoute, (c) => {
    const { opted_out, ...query } = c.req.valid("query");
    return runLedger(c, "listContacts", {
      ...query,
      ...(opted_out === undefined ? {} : { opted_out: opted_out === "true" }),
    });
  })
  .openapi(getContactRoute, (c) => runLedger(c, "getContact", c.req.valid("param")))
  .openapi(updateContactRoute, (c) =>
    runLedger(c, "updateContact", { id: c.req.valid("param").id, patch: c.req.valid("json") }),
  )
  .openapi(deleteContactRoute, (c) => runLedger(c, "deleteContact", c.req.valid("param")))
  .openapi(optRoute("opt-out"), (c) =>
    runLedger(c, "setOptOut", { id: c.req.valid("param").id, optedOut: true }),
  )
  .openapi(optRoute("opt-in"), (c) =>
    runLedger(c, "setOptOut", { id: c.req.valid("param").id, optedOut: false }),
  );
