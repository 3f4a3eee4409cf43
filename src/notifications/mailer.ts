/**
 * Outbound email behind one small interface: an HTTP JSON mail API in production
 * (`MAIL_API_URL` + `MAIL_API_KEY` secret), the console locally and in tests.
 */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export const consoleMailer: Mailer = {
  async send(mail) {
    console.log(
      JSON.stringify({
        level: "info",
        msg: "mail (console adapter)",
        to: mail.to,
        subject: mail.subject,
      }),
    );
  },
};

export function httpMailer(
  url: string,
  apiKey: string | undefined,
  from: string,
  fetcher: typeof fetch = fetch,
): Mailer {
  return {
    async send(mail) {
      const response = await fetcher(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify({ from, to: mail.to, subject: mail.subject, text: mail.text }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`mail provider answered ${response.status}`);
    },
  };
}

export function mailerFor(env: {
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM?: string;
}): Mailer {
  return env.MAIL_API_URL
    ? httpMailer(
        env.MAIL_API_URL,
        env.MAIL_API_KEY,
        env.MAIL_FROM || "Switchboard <no-reply@switchboard.local>",
      )
    : consoleMailer;
}
