// The npm package's API beyond the conformance cases: every product's codes and their
// metadata as errors.json has them, frozen results, the forms of input JavaScript has
// (Headers, Map, ArrayBuffer, Buffer), what throws and what never does.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as pkg from "binance-error-codes";
import * as spot from "binance-error-codes/spot";
import * as usdm from "binance-error-codes/usdm";

const ERRORS = JSON.parse(
  readFileSync(new URL("../../generated/errors.json", import.meta.url), "utf8"),
);
const CASES = JSON.parse(
  readFileSync(new URL("../conformance/cases.json", import.meta.url), "utf8"),
);
const MANIFEST = JSON.parse(
  readFileSync(new URL("../../generated/typescript/package.json", import.meta.url), "utf8"),
);

/** Each code's messages and its aliases' messages, without repeats (the Python package's). */
function allMessages(entry) {
  const aliases = (entry.aliases ?? []).flatMap((alias) => alias.messages);
  return [...new Set([...entry.messages, ...aliases])];
}

test("every product's ErrorCode has the Python package's names and values", (t) => {
  let names = 0;
  for (const [product, members] of Object.entries(CASES.codes)) {
    assert.deepEqual(Object.entries(pkg[product].ErrorCode), members, product);
    names += members.length;
  }
  assert.deepEqual(Object.keys(CASES.codes).sort(), [...pkg.PRODUCTS].sort());
  t.diagnostic(`codes: ${names} names of ${pkg.PRODUCTS.length} products agree`);
});

test("lookup(code) holds what errors.json says of every code", (t) => {
  let codes = 0;
  for (const product of ERRORS.products) {
    const module = pkg[product.id];
    const advice = new Map(product.annotations.codes.map((item) => [item.code, item]));
    for (const entry of product.errors) {
      const info = module.lookup(entry.code);
      const fields = advice.get(entry.code);
      assert.deepEqual(
        { ...info },
        {
          code: entry.code,
          name: entry.name,
          section: entry.section,
          messages: allMessages(entry),
          notes: entry.notes ?? [],
          formerMessages: (entry.former_messages ?? []).map((former) => ({
            message: former.message,
            lastSeen: former.last_seen ?? undefined,
          })),
          title: entry.title ?? undefined,
          aliases: (entry.aliases ?? []).map((alias) => alias.name),
          formerNames: entry.former_names ?? [],
          added: entry.added ?? undefined,
          removed: entry.removed ?? undefined,
          deprecated: Boolean(entry.removed),
          category: fields.category,
          retryable: fields.retryable,
          executionUnknown: fields.execution_unknown,
          action: fields.action,
        },
        `${product.id} ${entry.code}`,
      );
      const annotation = module.annotation(entry.code);
      assert.deepEqual([...annotation.reasons], fields.reasons);
      assert.deepEqual([...annotation.sources], fields.sources);
      codes += 1;
    }
    for (const table of product.tables) {
      assert.deepEqual(module.table(table.id), {
        id: table.id,
        title: table.title,
        codes: table.codes,
        rows: table.rows,
        formerRows: (table.former_rows ?? []).map(({ message, description }) => ({
          message,
          description,
        })),
      });
    }
    assert.equal(module.tables().length, product.tables.length);
    assert.equal(module.SOURCE_URL, product.source.url);
    assert.equal(module.TITLE, product.title);
    assert.equal(module.LAST_UPDATED, product.last_updated ?? undefined);
  }
  t.diagnostic(`lookup: ${codes} codes agree with errors.json`);
});

test("codes, results and tables are frozen; lookup remembers", () => {
  assert.ok(Object.isFrozen(spot.ErrorCode));
  assert.equal(spot.ErrorCode.TOO_MANY_REQUESTS, -1003);
  const info = spot.lookup(-1003);
  assert.ok(Object.isFrozen(info) && Object.isFrozen(info.messages));
  assert.equal(spot.lookup(-1003), info);
  const found = spot.match(-1105, "Parameter 'symbol' was empty.");
  assert.ok(Object.isFrozen(found) && Object.isFrozen(found.params));
  assert.throws(() => {
    "use strict";
    found.template = "x";
  }, TypeError);
  assert.ok(Object.isFrozen(spot.table("filter_failures").rows[0]));
  assert.ok(Object.isFrozen(spot.annotation(-1003)) && Object.isFrozen(spot.tables()));
});

test("lookup and match answer undefined for anything they do not know", () => {
  for (const code of [-1234, 0, NaN, Infinity, "-1003", null, undefined, {}, -1003n]) {
    assert.equal(spot.lookup(code), undefined, String(code));
    assert.equal(spot.match(code, "Too many requests queued."), undefined, String(code));
  }
});

test("match never throws, whatever it is given", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alphabet = "abc XYZ019.,;:()[]{}'\"`‘’“”%s%d\\\u2028\u00a0\ufeff😀 request ip";
  const codes = Object.values(spot.ErrorCode);
  for (let n = 0; n < 3000; n += 1) {
    const length = Math.floor(random() * 80);
    let msg = "";
    for (let i = 0; i < length; i += 1) msg += alphabet[Math.floor(random() * alphabet.length)];
    const template = spot.lookup(codes[n % codes.length]).messages[0] ?? "";
    const found = spot.match(codes[n % codes.length], n % 2 ? msg : template + msg);
    if (found !== undefined) assert.equal(found.code, codes[n % codes.length]);
  }
});

test("fromResponse takes headers as an object, Headers, a Map or pairs, bodies as any bytes", () => {
  const raw = '{"code":-1003,"msg":"Too many requests queued."}';
  const bytes = new TextEncoder().encode(raw);
  const bodies = [raw, bytes, bytes.buffer, new DataView(bytes.buffer), Buffer.from(raw), JSON.parse(raw)];
  const headers = [
    { "Retry-After": "30", "x-mbx-used-weight-1m": "7" },
    new Headers({ "Retry-After": "30", "x-mbx-used-weight-1m": "7" }),
    new Map([["Retry-After", "30"], ["x-mbx-used-weight-1m", "7"]]),
    [["Retry-After", "30"], ["x-mbx-used-weight-1m", Buffer.from("7")]],
  ];
  for (const body of bodies) {
    for (const given of headers) {
      const err = pkg.BinanceAPIError.fromResponse(429, body, { headers: given });
      assert.equal(err.code, -1003);
      assert.equal(err.retryAfter, 30);
      assert.deepEqual({ ...err.headers }, { "X-MBX-USED-WEIGHT-1M": 7 });
      assert.equal(err.match.template, "Too many requests queued.");
    }
  }
});

test("BinanceAPIError is an Error with a one-line message", () => {
  const err = pkg.BinanceAPIError.fromResponse(
    503,
    '{"code":-1008,"msg":"Request throttled by system-level protection.\\nTry again."}',
    { url: new URL("https://fapi.binance.com/fapi/v1/order"), method: " post " },
  );
  assert.ok(err instanceof Error && err instanceof pkg.BinanceAPIError);
  assert.equal(err.name, "BinanceAPIError");
  assert.equal(
    err.message,
    "usdm -1008 REQUEST_THROTTLED (HTTP 503): Request throttled by system-level protection. Try again.",
  );
  assert.equal(err.method, "POST");
  assert.equal(err.url, "https://fapi.binance.com/fapi/v1/order");
  assert.ok(err.stack.includes("BinanceAPIError"));
  assert.equal(err.reason, err.reasons[0]);
  assert.deepEqual(err.annotation, usdm.advice(-1008, { httpStatus: 503, msg: err.msg, method: "POST" }));
  assert.throws(() => {
    throw err;
  }, pkg.BinanceAPIError);
  const malformed = pkg.BinanceAPIError.fromPayload("<html>502</html>", { httpStatus: 502 });
  assert.match(malformed.message, /^malformed Binance error payload from spot \(HTTP 502\): not JSON/);
});

test("only the caller's own mistakes throw", () => {
  const { BinanceAPIError } = pkg;
  assert.throws(() => BinanceAPIError.fromResponse("400", "{}"), TypeError);
  assert.throws(() => BinanceAPIError.fromResponse(400, "{}", { method: 7 }), TypeError);
  assert.throws(() => BinanceAPIError.fromResponse(400, "{}", { headers: 7 }), TypeError);
  assert.throws(() => BinanceAPIError.fromResponse(400, "{}", { headers: [["a"]] }), TypeError);
  assert.throws(() => BinanceAPIError.fromResponse(400, "{}", "spot"), TypeError);
  assert.throws(() => BinanceAPIError.fromResponse(400, "{}", { product: "nope" }), RangeError);
  assert.throws(() => BinanceAPIError.fromPayload("{}", { product: "__proto__" }), RangeError);
  assert.throws(() => spot.annotation("-1003"), TypeError);
  assert.throws(() => spot.advice(-1003, { httpStatus: "500" }), TypeError);
  const weird = [undefined, null, "", "null", "[]", "{", new Uint8Array([0xff]), 42, [], new Map()];
  for (const body of weird) {
    for (const status of [undefined, null, 200, 503]) {
      const err = BinanceAPIError.fromResponse(status, body, { url: { toString: () => "x" } });
      assert.equal(typeof err.problem, "string");
      assert.equal(err.category, "invalid_payload");
    }
  }
  const deep = 200_000;
  for (const body of [
    "[".repeat(deep) + "]".repeat(deep),
    '{"a":' + "[".repeat(deep) + "]".repeat(deep) + "}",
    '{"code":-1003,"msg":"x","a":' + "[".repeat(deep) + "]".repeat(deep) + "}",
    { code: 1n, msg: "x" },
  ]) {
    assert.equal(typeof BinanceAPIError.fromResponse(400, body).message, "string");
  }
  const hostile = { toString() { throw new Error("no"); } };
  assert.equal(BinanceAPIError.fromResponse(400, "{}", { url: hostile }).url, undefined);
  assert.equal(pkg.productForUrl(hostile), undefined);
  assert.equal(pkg.productForUrl(Symbol("x")), undefined);
});

test("the root holds every product, the same modules as the subpaths, and the version", async () => {
  assert.deepEqual([...pkg.PRODUCTS], Object.keys(CASES.codes));
  for (const product of pkg.PRODUCTS) {
    assert.equal(pkg[product], await import(`binance-error-codes/${product}`));
  }
  assert.equal(pkg.VERSION, MANIFEST.version);
  assert.ok(Object.isFrozen(pkg.PRODUCTS));
});
