import { describe } from "vitest";
import { authenticatedPart, fuzzOperations } from "./run";

/** Property fuzzing over the authenticated operations of the OpenAPI document, part 2 of 3. */
describe("fuzz: authenticated operations, part 2", () => {
  fuzzOperations("authenticated part 2", authenticatedPart(1, 3));
});
