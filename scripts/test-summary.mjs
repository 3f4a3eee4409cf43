// Prints "tests: N passed, M failed" over vitest's JSON report and node:test's TAP totals.
import { existsSync, readFileSync } from "node:fs";

const [logPath, vitestJson] = process.argv.slice(2);
let passed = 0;
let failed = 0;
if (vitestJson && existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
}
if (logPath && existsSync(logPath)) {
  for (const line of readFileSync(logPath, "utf8").split("\n")) {
    const match = /^# (pass|fail) (\d+)\s*$/.exec(line);
    if (match?.[1] === "pass") passed += Number(match[2]);
    if (match?.[1] === "fail") failed += Number(match[2]);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
