import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { requirePepper } from "../config";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { handleExposures } from "../keys/exposure";
import { type GithubKeyEnv, githubKeysFor } from "../keys/github-keys";
import { verifyGithubSignature } from "../keys/github-signature";
import { mailerFor } from "../notifications/mailer";

/** GitHub batches findings; past this a report is refused rather than worked through for minutes. */
export const MAX_REPORTS_PER_REQUEST = 100;

const ReportSchema = z.object({
  token: z.string().max(200),
  type: z.string().max(200),
  url: z.string().max(4096).optional(),
  source: z.string().max(200).optional(),
});

const VerdictSchema = z
  .object({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(["true_positive", "false_positive"]),
  })
  .openapi("SecretScanningVerdict");

/** The signature is checked before the body is validated: unsigned input learns nothing. */
const githubSigned = createMiddleware<AppEnv>(async (c, next) => {
  const identifier = c.req.header("github-public-key-identifier");
  const signature = c.req.header("github-public-key-signature");
  if (!identifier || !signature) {
    throw new ApiError(
      "unauthorized",
      "Secret scanning reports must carry GitHub's Github-Public-Key-Identifier and -Signature headers.",
    );
  }
  const keys = await githubKeysFor(
    c.env as Env & GithubKeyEnv,
    identifier,
    c.get("services").clock.now(),
  );
  if (!(await verifyGithubSignature(keys, identifier, signature, await c.req.text()))) {
    throw new ApiError("unauthorized", "The secret scanning signature does not verify.");
  }
  return next();
});

const reportRoute = createRoute({
  method: "post",
  path: "/v1/secret-scanning/github",
  operationId: "reportExposedSecrets",
  tags: ["API keys"],
  summary: "GitHub secret scanning: revoke API keys found in public",
  description: `Called by GitHub's secret scanning partner program, not by clients. The body is signed with GitHub's ECDSA key (\`Github-Public-Key-Identifier\`, \`Github-Public-Key-Signature\`; keys from \`SECRET_SCANNING_KEYS_URL\` or \`SECRET_SCANNING_PUBLIC_KEYS\`). Every reported \`sk_live_\`/\`sk_test_\` key that is still live is revoked at once (no grace period), the audit log records \`api_key.revoked\` with \`reason: "exposed"\` and the URL, and the account's admins get an e-mail. The answer labels each token \`true_positive\` (a key of ours) or \`false_positive\`. At most ${MAX_REPORTS_PER_REQUEST} findings per request; repeating a report changes nothing.`,
  middleware: [githubSigned] as const,
  security: [],
  request: { ...jsonBody(z.array(ReportSchema).max(MAX_REPORTS_PER_REQUEST)) },
  responses: {
    200: jsonContent(z.array(VerdictSchema), "One verdict per reported token"),
    ...errorResponses(400, 401, 413, 415, 422, 503),
  },
});

export const secretScanningRoutes = createRouter().openapi(reportRoute, async (c) => {
  const verdicts = await handleExposures(
    {
      db: c.get("db"),
      env: c.env,
      services: c.get("services"),
      pepper: requirePepper(c.env),
      mailer: mailerFor(c.env as Env & { MAIL_API_URL?: string }),
    },
    c.req.valid("json"),
  );
  return c.json(verdicts, 200);
});
