// What an import loads: a product's subpath loads that product and the shared runtime
// only, never another product nor the error class; the root loads everything. Checked
// twice: on the import statements of the files, and at run time with module hooks.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { HERE } from "./run.mjs";

const PACKAGE = fileURLToPath(new URL("../../generated/typescript/", import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
const PRODUCTS = Object.keys(MANIFEST.exports)
  .filter((key) => key !== "." && key !== "./package.json")
  .map((key) => key.slice(2));
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm;

/** Every .js file of the package, by its path relative to the package. */
function sources(folder = PACKAGE) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".js") ? [relative(PACKAGE, path)] : [];
  });
}

/** The files `file` imports, by their paths relative to the package. */
function imports(file) {
  const text = readFileSync(join(PACKAGE, file), "utf8");
  return [...text.matchAll(IMPORT)].map((found) => {
    const specifier = found[1] ?? found[2];
    assert.ok(specifier.startsWith("./") || specifier.startsWith("../"), `${file}: ${specifier}`);
    return relative(PACKAGE, resolve(dirname(join(PACKAGE, file)), specifier));
  });
}

/** `file` and everything it imports, directly or not. */
function closure(file) {
  const seen = new Set();
  const pending = [file];
  while (pending.length) {
    const next = pending.pop();
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...imports(next));
  }
  return [...seen].sort();
}

/** The package files importing `specifier` really loads, relative to the package. */
function loaded(specifier) {
  const result = spawnSync(process.execPath, ["loaded.mjs", specifier], {
    cwd: HERE,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout)
    .map((url) => relative(PACKAGE, fileURLToPath(url)))
    .sort();
}

test("the package imports nothing from outside itself, not even node: modules", () => {
  for (const file of sources()) imports(file);
});

test("every product is a subpath, and every product module exists", () => {
  assert.ok(PRODUCTS.length >= 8);
  const modules = sources().filter((file) => !file.includes("/"));
  assert.deepEqual(
    modules.sort(),
    [...PRODUCTS.map((id) => `${id}.js`), "index.js", "products.js"].sort(),
  );
});

for (const product of PRODUCTS) {
  test(`importing binance-error-codes/${product} loads ${product} alone`, () => {
    const files = closure(`${product}.js`);
    const others = PRODUCTS.filter((id) => id !== product).map((id) => `${id}.js`);
    assert.deepEqual(files.filter((file) => others.includes(file)), []);
    assert.ok(!files.includes("products.js") && !files.includes("lib/errors.js"), files);
    assert.deepEqual(loaded(`binance-error-codes/${product}`), files);
  });
}

test("importing the root loads every product", () => {
  const files = closure("index.js");
  for (const product of PRODUCTS) assert.ok(files.includes(`${product}.js`), product);
  assert.deepEqual(loaded("binance-error-codes"), files);
});

test("bare.ts imports every entry point", () => {
  const text = readFileSync(new URL("bare.ts", import.meta.url), "utf8");
  for (const product of PRODUCTS) assert.ok(text.includes(`"binance-error-codes/${product}"`));
});
