import { z } from "@hono/zod-openapi";

/** Shapes shared by several resources' routes. */
export const idParam = (prefix: string) =>
  z.object({
    id: z
      .string()
      .max(64)
      .openapi({
        param: { name: "id", in: "path" },
        example: `${prefix}_0VZ2xTqK3aBcDeFgHiJkLmNoP`,
      }),
  });

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    email: z.string(),
    role: z.enum(["admin", "member"]),
    account_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("User");

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    name: z.string(),
    slug: z.string().openapi({ example: "pupstar-primary" }),
    parent_account_id: z.string().nullable(),
    help_text: z
      .string()
      .nullable()
      .openapi({ description: "The reply to HELP/INFO; null means the default text." }),
    created_at: z.string(),
  })
  .openapi("Account");

export const Email = z.email().max(254).openapi({ example: "ada@example.com" });
export const Password = z
  .string()
  .min(10, "Password must be at least 10 characters.")
  .max(256)
  .openapi({ example: "correct horse battery" });
