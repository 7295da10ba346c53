// Run code as a consumer of the package would: an ES module in this folder, where
// `npm ci` installed binance-error-codes (a link to generated/typescript).

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import ts from "typescript";

/** This folder: bare imports of code run here resolve to the installed package. */
export const HERE = fileURLToPath(new URL(".", import.meta.url));

/**
 * Run JavaScript source as an ES module in this folder, in a fresh process.
 * @param {string} source
 * @returns {import("node:child_process").SpawnSyncReturns<string>}
 */
export function runJavaScript(source) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", source], {
    cwd: HERE,
    encoding: "utf8",
    timeout: 60_000,
  });
}

/**
 * Run TypeScript source the same way, its types stripped by TypeScript's transpiler.
 * @param {string} source
 * @returns {import("node:child_process").SpawnSyncReturns<string>}
 */
export function runTypeScript(source) {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return runJavaScript(outputText);
}
