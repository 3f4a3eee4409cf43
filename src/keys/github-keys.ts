import { ApiError } from "../errors";
import { type GithubPublicKeys, parseGithubKeys } from "./github-signature";

export const GITHUB_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";
/** GitHub rotates its signing keys rarely; an unknown identifier forces a refetch sooner. */
const CACHE_MS = 60 * 60 * 1000;
const REFETCH_UNKNOWN_AFTER_MS = 60 * 1000;

/** After a failed fetch, callers get 503 at once for this long: unsigned traffic can't make us hammer GitHub. */
const FAILURE_BACKOFF_MS = 30 * 1000;

let cached: { url: string; keys: GithubPublicKeys; at: number } | undefined;
let failed: { url: string; at: number } | undefined;

export interface GithubKeyEnv {
  /** GitHub's key document inline (JSON); when set nothing is fetched (tests, air-gapped installs). */
  SECRET_SCANNING_PUBLIC_KEYS?: string;
  SECRET_SCANNING_KEYS_URL?: string;
}

/**
 * The public keys that may sign secret scanning reports, for `identifier`. Fetched from GitHub and
 * cached per isolate; a GitHub outage is a `503` (GitHub retries its reports), never a `500`.
 */
export async function githubKeysFor(
  env: GithubKeyEnv,
  identifier: string,
  now: number,
  fetcher: typeof fetch = fetch,
): Promise<GithubPublicKeys> {
  if (env.SECRET_SCANNING_PUBLIC_KEYS) {
    const inline = parseGithubKeys(env.SECRET_SCANNING_PUBLIC_KEYS);
    if (!inline) throw misconfigured();
    return inline;
  }
  const url = env.SECRET_SCANNING_KEYS_URL || GITHUB_KEYS_URL;
  const known =
    cached?.url === url && cached.keys.public_keys.some((k) => k.key_identifier === identifier);
  if (cached?.url === url && now - cached.at < (known ? CACHE_MS : REFETCH_UNKNOWN_AFTER_MS)) {
    return cached.keys;
  }
  if (failed?.url === url && now - failed.at < FAILURE_BACKOFF_MS) {
    if (cached?.url === url) return cached.keys;
    throw unreachable();
  }
  let keys: GithubPublicKeys | null = null;
  try {
    const response = await fetcher(url, {
      headers: { accept: "application/json", "user-agent": "Switchboard secret scanning" },
      signal: AbortSignal.timeout(5_000),
    });
    keys = response.ok ? parseGithubKeys(await response.text()) : null;
    if (!response.ok) await response.body?.cancel();
  } catch {
    keys = null;
  }
  if (!keys) {
    failed = { url, at: now };
    if (cached?.url === url) return cached.keys;
    throw unreachable();
  }
  failed = undefined;
  cached = { url, keys, at: now };
  return keys;
}

const unreachable = () =>
  new ApiError("unavailable", "GitHub's signing keys could not be fetched; retry shortly.", {
    headers: { "Retry-After": "30" },
  });

const misconfigured = () =>
  new ApiError(
    "not_configured",
    "SECRET_SCANNING_PUBLIC_KEYS is not GitHub's key document (JSON with public_keys).",
  );

/** Tests only: forget the fetched keys. */
export const forgetGithubKeys = () => {
  cached = undefined;
  failed = undefined;
};
