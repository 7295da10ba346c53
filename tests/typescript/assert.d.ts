// The slice of node:assert/strict that consumer.ts and the README's TypeScript
// examples use, declared here so that TypeScript is the only tool installed
// (no @types/node).

declare module "node:assert/strict" {
  interface Assert {
    (value: unknown, message?: string): asserts value;
    ok(value: unknown, message?: string): asserts value;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    throws(block: () => unknown, error?: unknown, message?: string): void;
  }
  const assert: Assert;
  export default assert;
}
