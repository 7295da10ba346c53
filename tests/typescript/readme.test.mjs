// The README's JavaScript and TypeScript examples, and the npm package's README's, run.
//
// Every ```js block runs as an ES module against the installed package; every ```ts
// block is first type-checked (tsc --strict, the options of tsconfig.json) and then
// runs, its types stripped. Each example asserts what it shows, so a wrong one fails.

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import ts from "typescript";

import { HERE, runJavaScript, runTypeScript } from "./run.mjs";

const READMES = {
  "README.md": new URL("../../README.md", import.meta.url),
  "generated/typescript/README.md": new URL("../../generated/typescript/README.md", import.meta.url),
};
const FENCE = /^```(\w*)[^\n]*\n([\s\S]*?)^```/gm;

/** Every fenced block of a Markdown text: its language, its text, the line it starts on. */
function blocks(text) {
  return [...text.matchAll(FENCE)].map((found) => ({
    language: found[1],
    text: found[2],
    line: text.slice(0, found.index).split("\n").length + 1,
  }));
}

/** The type errors of TypeScript sources, checked as files of this folder. */
function typeErrors(sources) {
  const folder = join(HERE, ".readme");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  try {
    const files = sources.map((source, index) => {
      const path = join(folder, `example-${index}.ts`);
      writeFileSync(path, source);
      return path;
    });
    const config = ts.getParsedCommandLineOfConfigFile(join(HERE, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(String(diagnostic.messageText)),
    });
    const program = ts.createProgram([join(HERE, "assert.d.ts"), ...files], config.options);
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      const where = diagnostic.file?.fileName.slice(folder.length + 1) ?? "";
      return `${where}: ${text}`;
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Run one example; its failure as text, or undefined. */
function failure(language, text) {
  const result = language === "ts" ? runTypeScript(text) : runJavaScript(text);
  return result.status === 0 && result.stderr === "" ? undefined : result.stderr || `exit ${result.status}`;
}

for (const [name, url] of Object.entries(READMES)) {
  const examples = blocks(readFileSync(url, "utf8")).filter((b) => ["js", "ts"].includes(b.language));

  test(`${name}: its TypeScript examples type-check`, () => {
    const typed = examples.filter((b) => b.language === "ts");
    assert.deepEqual(typeErrors(typed.map((b) => b.text)), []);
  });

  for (const example of examples) {
    test(`${name}:${example.line}: the ${example.language} example runs`, () => {
      assert.equal(failure(example.language, example.text), undefined);
    });
  }
}

test("the READMEs have examples in both languages", () => {
  const main = blocks(readFileSync(READMES["README.md"], "utf8"));
  assert.ok(main.filter((b) => b.language === "js").length >= 4);
  assert.ok(main.filter((b) => b.language === "ts").length >= 1);
  const npm = blocks(readFileSync(READMES["generated/typescript/README.md"], "utf8"));
  assert.ok(npm.some((b) => b.language === "js"));
});

test("a wrong example fails, and so does one that does not type-check", () => {
  const main = blocks(readFileSync(READMES["README.md"], "utf8"));
  const example = main.find((b) => b.language === "js" && b.text.includes("TOO_MANY_REQUESTS, -1003"));
  const wrong = example.text.replace("TOO_MANY_REQUESTS, -1003", "TOO_MANY_REQUESTS, -1004");
  assert.match(failure("js", wrong) ?? "", /AssertionError/);
  const typed = main.find((b) => b.language === "ts");
  const mistyped = typed.text.replace('case "stop":', 'case "halt":');
  assert.ok(typeErrors([mistyped]).some((error) => error.includes('"halt"')));
});
