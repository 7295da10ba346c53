// consumer.ts (type-checked by `tsc -p tsconfig.json`) also runs: its types stripped,
// against the installed package, so every assert in it holds at run time too.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { runTypeScript } from "./run.mjs";

test("consumer.ts runs and every check in it passes", () => {
  const result = runTypeScript(readFileSync(new URL("consumer.ts", import.meta.url), "utf8"));
  assert.equal(result.stderr, "");
  assert.equal(result.status, 0);
  assert.equal(result.stdout, "consumer.ts: every check passed\n");
});
