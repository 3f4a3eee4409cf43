import { ApiError } from "../errors";
import { basicAuth, type TwilioSettings, USER_AGENT } from "./twilio";

const LOOKUP_TIMEOUT_MS = 10_000;

/**
 * Is `number` one of the Twilio account's own numbers? Asked of Twilio's IncomingPhoneNumbers
 * list, filtered by PhoneNumber, before a live number is given to an account: a live number must
 * be one the carrier will really send from and deliver to us.
 */
export async function twilioOwnsNumber(settings: TwilioSettings, number: string): Promise<boolean> {
  const url = new URL(
    `${settings.apiBase}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/IncomingPhoneNumbers.json`,
  );
  url.searchParams.set("PhoneNumber", number);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        authorization: basicAuth(settings),
        "user-agent": USER_AGENT,
        accept: "application/json",
      },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch {
    throw unreachable();
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw unreachable();
  }
  const answer = (await response.json().catch(() => null)) as {
    incoming_phone_numbers?: { phone_number?: unknown }[];
  } | null;
  const listed = Array.isArray(answer?.incoming_phone_numbers) ? answer.incoming_phone_numbers : [];
  return listed.some((entry) => entry?.phone_number === number);
}

const unreachable = () =>
  new ApiError("unavailable", "Twilio could not confirm the number right now; retry shortly.", {
    headers: { "Retry-After": "5" },
  });
