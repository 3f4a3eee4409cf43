import { describe } from "vitest";
import { authenticatedPart, fuzzOperations } from "./run";

/** Property fuzzing over the authenticated operations of the OpenAPI document, part 1 of 3. */
describe("fuzz: authenticated operations, part 1", () => {
  fuzzOperations("authenticated part 1", authenticatedPart(0, 3));
});
