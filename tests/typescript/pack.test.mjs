// What `npm publish` would ship: `npm pack --dry-run` in generated/typescript lists
// the package's files and nothing else, and package.json says what a consumer needs.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("../../generated/typescript/", import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
/** semver.org's regular expression for a version. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Every file under `folder`, relative to the package. */
function files(folder = PACKAGE) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? files(path) : [relative(PACKAGE, path)];
  });
}

test("npm pack ships exactly the package's files", (t) => {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["pack", "--dry-run", "--json"], {
    cwd: PACKAGE,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const [packed] = JSON.parse(result.stdout);
  const shipped = packed.files.map((file) => file.path).sort();
  assert.deepEqual(shipped, files().sort());
  for (const path of shipped) {
    assert.doesNotMatch(path, /(^|\/)(tests?|node_modules)\/|lock|\.j2$|\.tgz$|\.ts$(?<!\.d\.ts)/);
  }
  for (const needed of ["package.json", "README.md", "LICENSE", "index.js", "lib/matching.js"]) {
    assert.ok(shipped.includes(needed), needed);
  }
  assert.equal(packed.name, "binance-error-codes");
  assert.equal(packed.version, MANIFEST.version);
  t.diagnostic(`npm pack: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
});

test("package.json: ESM for Node 20, no dependencies, types for every subpath", () => {
  assert.equal(MANIFEST.name, "binance-error-codes");
  assert.match(MANIFEST.version, SEMVER);
  assert.equal(MANIFEST.type, "module");
  assert.deepEqual(MANIFEST.engines, { node: ">=20" });
  assert.equal(MANIFEST.sideEffects, false);
  assert.equal(MANIFEST.license, "MIT");
  assert.equal(MANIFEST.repository.url, "git+https://github.com/binance-error-codes/binance-error-codes.git");
  assert.equal(MANIFEST.repository.directory, "generated/typescript");
  for (const key of ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies", "scripts"]) {
    assert.equal(MANIFEST[key], undefined, key);
  }
  for (const [subpath, target] of Object.entries(MANIFEST.exports)) {
    if (subpath === "./package.json") continue;
    assert.deepEqual(Object.keys(target), ["types", "default"], subpath);
    assert.equal(target.types, target.default.replace(/\.js$/, ".d.ts"));
    for (const file of Object.values(target)) assert.ok(files().includes(file.slice(2)), file);
  }
  assert.equal(MANIFEST.types, MANIFEST.exports["."].types);
});
