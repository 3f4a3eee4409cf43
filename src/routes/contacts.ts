import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { messagingDeps, scopeOf } from "../http/deps";
import { idempotent } from "../http/idempotency";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import {
  contactResource,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  setOptOut,
  updateContact,
} from "../messaging/contacts";
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
  middleware: [write, idempotent] as const,
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
    middleware: [write, idempotent] as const,
    request: { params: idParam("ct"), ...keyHeader },
    responses: {
      200: jsonContent(ContactSchema, "The contact"),
      ...errorResponses(401, 403, 404, 409, 429),
    },
  });

export const contactRoutes = createRouter()
  .openapi(createContactRoute, async (c) =>
    c.json(
      contactResource(await createContact(messagingDeps(c), scopeOf(c), c.req.valid("json"))),
      201,
    ),
  )
  .openapi(listContactsRoute, async (c) => {
    const { limit, cursor, tag, opted_out } = c.req.valid("query");
    const rows = await listContacts(
      messagingDeps(c),
      scopeOf(c),
      { tag, opted_out: opted_out === undefined ? undefined : opted_out === "true" },
      limit,
      cursor,
    );
    return c.json(toPage(rows, limit, contactResource), 200);
  })
  .openapi(getContactRoute, async (c) =>
    c.json(
      contactResource(await getContact(messagingDeps(c), scopeOf(c), c.req.valid("param").id)),
      200,
    ),
  )
  .openapi(updateContactRoute, async (c) =>
    c.json(
      contactResource(
        await updateContact(
          messagingDeps(c),
          scopeOf(c),
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      200,
    ),
  )
  .openapi(deleteContactRoute, async (c) => {
    const contact = await deleteContact(messagingDeps(c), scopeOf(c), c.req.valid("param").id);
    return c.json({ id: contact.id, deleted: true as const }, 200);
  })
  .openapi(optRoute("opt-out"), async (c) => {
    const deps = messagingDeps(c);
    const contact = await getContact(deps, scopeOf(c), c.req.valid("param").id);
    return c.json(contactResource(await setOptOut(deps, scopeOf(c), contact, true)), 200);
  })
  .openapi(optRoute("opt-in"), async (c) => {
    const deps = messagingDeps(c);
    const contact = await getContact(deps, scopeOf(c), c.req.valid("param").id);
    return c.json(contactResource(await setOptOut(deps, scopeOf(c), contact, false)), 200);
  });
