import { inject } from "vitest";
import { unique } from "../helpers";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: number;
  responded_at?: number;
  streamed_bytes?: number;
  hung_up?: boolean;
  v1a_valid?: boolean;
}

/** A fresh named hook on the shared loopback receiver (see receiver.global.ts). */
export async function newReceiver(
  script: {
    statuses?: number[];
    delay_ms?: number;
    body?: string;
    headers?: Record<string, string>;
    stream_bytes?: number;
    verify_public_key?: string;
    delays_ms?: number[];
  } = {},
) {
  const base = inject("receiverUrl");
  const name = unique("hook");
  const control = async (next: typeof script) => {
    const response = await fetch(`${base}/__control/${name}`, {
      method: "POST",
      body: JSON.stringify({ statuses: [200], ...next }),
    });
    await response.arrayBuffer();
  };
  await control(script);
  return {
    url: `${base}/hook/${name}`,
    control,
    async received(): Promise<ReceivedRequest[]> {
      const response = await fetch(`${base}/__log/${name}`);
      return (await response.json()) as ReceivedRequest[];
    },
  };
}
