import { describe } from "vitest";
import { fuzzOperations, publicOperations } from "./run";

/**
 * The operations anyone may call (log-in, sign-up, Twilio's callbacks, health, the document):
 * the same properties, with every credential variant the fuzzer sends ignored or refused.
 */
describe("fuzz: public operations", () => {
  fuzzOperations("public", publicOperations());
});
