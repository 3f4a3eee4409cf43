import { describe } from "vitest";
import { authenticatedPart, fuzzOperations } from "./run";

/** Property fuzzing over the authenticated operations of the OpenAPI document, part 3 of 3. */
describe("fuzz: authenticated operations, part 3", () => {
  fuzzOperations("authenticated part 3", authenticatedPart(2, 3));
});
