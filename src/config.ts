import { ApiError } from "./errors";

/** Typed view of the `[vars]` in wrangler.toml; every value has a default so a bare env works. */
export interface Config {
  webhookTimeoutMs: number;
  retryBaseMs: number;
  retryMaxElapsedMs: number;
  failedRetryIntervalMs: number;
  endpointMaxInFlight: number;
  /** One endpoint alarm run stops starting sends after this long and re-arms. */
  endpointRunBudgetMs: number;
  /** Admins are warned (notice + operational event) when an endpoint's backlog passes this. */
  endpointBacklogWarning: number;
  retentionDays: number;
  /** How long the audit log of key and user changes is kept. */
  auditRetentionDays: number;
  allowPrivateWebhookUrls: boolean;
  signupOpen: boolean;
  carrierDelayMs: number;
  defaultFromNumber: string;
  apiKeyRateLimitPerMinute: number;
  sessionTtlSeconds: number;
  maxBodyBytes: number;
  maxSubaccountsPerAccount: number;
  /** Webhook endpoints one account may have, both modes together (`422 limit_reached` beyond). */
  maxEndpointsPerAccount: number;
  /** Phone numbers one account may hold, both modes together (`422 limit_reached` beyond). */
  maxPhoneNumbersPerAccount: number;
  /** A recorded call's completion waits this long for Twilio's RecordingStatusCallback. */
  recordingWaitMs: number;
  /** Failed log-ins allowed per client IP and per e-mail per minute before 429. */
  loginAttemptsPerMinute: number;
  /** Sign-ups allowed per client IP per hour before 429. */
  signupsPerHourPerIp: number;
  development: boolean;
}

export type ConfigEnv = Partial<
  Record<
    | keyof Env
    | "API_KEY_PEPPER"
    | "ENDPOINT_RUN_BUDGET_MS"
    | "ENDPOINT_BACKLOG_WARNING"
    | "RETENTION_DAYS",
    unknown
  >
>;

function int(value: unknown, fallback: number, min = 0): number {
  const parsed =
    typeof value === "string" || typeof value === "number" ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) && parsed >= min ? Math.floor(parsed) : fallback;
}

const bool = (value: unknown, fallback: boolean): boolean =>
  value === undefined ? fallback : String(value).toLowerCase() === "true";

export function readConfig(env: ConfigEnv): Config {
  return {
    webhookTimeoutMs: int(env.WEBHOOK_TIMEOUT_MS, 15_000, 1),
    retryBaseMs: int(env.RETRY_BASE_MS, 5_000, 1),
    retryMaxElapsedMs: int(env.RETRY_MAX_ELAPSED_MS, 43_200_000, 0),
    failedRetryIntervalMs: int(env.FAILED_RETRY_INTERVAL_MS, 3_600_000, 1),
    endpointMaxInFlight: int(env.ENDPOINT_MAX_IN_FLIGHT, 1, 1),
    endpointRunBudgetMs: int(env.ENDPOINT_RUN_BUDGET_MS, 10_000, 1),
    endpointBacklogWarning: int(env.ENDPOINT_BACKLOG_WARNING, 10_000, 1),
    retentionDays: int(env.RETENTION_DAYS, 30, 1),
    auditRetentionDays: int(env.AUDIT_RETENTION_DAYS, 365, 1),
    allowPrivateWebhookUrls: bool(env.ALLOW_PRIVATE_WEBHOOK_URLS, false),
    signupOpen: String(env.SIGNUP ?? "open").toLowerCase() !== "closed",
    carrierDelayMs: int(env.CARRIER_DELAY_MS, 1_000, 0),
    defaultFromNumber:
      typeof env.DEFAULT_FROM_NUMBER === "string" && env.DEFAULT_FROM_NUMBER
        ? env.DEFAULT_FROM_NUMBER
        : "+15005550006",
    apiKeyRateLimitPerMinute: int(env.API_KEY_RATE_LIMIT_PER_MINUTE, 6_000, 1),
    sessionTtlSeconds: int(env.SESSION_TTL_SECONDS, 604_800, 60),
    maxBodyBytes: int(env.MAX_BODY_BYTES, 1_048_576, 1_024),
    maxSubaccountsPerAccount: int(env.MAX_SUBACCOUNTS_PER_ACCOUNT, 100, 0),
    maxEndpointsPerAccount: int(env.MAX_ENDPOINTS_PER_ACCOUNT, 100, 0),
    maxPhoneNumbersPerAccount: int(env.MAX_PHONE_NUMBERS_PER_ACCOUNT, 100, 0),
    recordingWaitMs: int(env.RECORDING_WAIT_MS, 30_000, 0),
    loginAttemptsPerMinute: int(env.LOGIN_ATTEMPTS_PER_MINUTE, 10, 1),
    signupsPerHourPerIp: int(env.SIGNUPS_PER_HOUR_PER_IP, 20, 1),
    development: String(env.ENVIRONMENT ?? "production") !== "production",
  };
}

/**
 * The pepper is a Worker secret. A deployment without it must refuse key authentication loudly
 * rather than hash with a guessable default.
 */
export function requirePepper(env: ConfigEnv): string {
  const pepper = env.API_KEY_PEPPER;
  if (typeof pepper !== "string" || pepper.length < 16) {
    throw new ApiError(
      "not_configured",
      "API key authentication is not configured on this deployment (API_KEY_PEPPER secret missing).",
    );
  }
  return pepper;
}
