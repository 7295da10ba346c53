// A typed consumer of binance-error-codes: every public name, used as an application
// would, type-checked with tsc --strict (tsconfig.json) against the installed package,
// then run (consumer.test.mjs), so the declarations and the behaviour agree.

import assert from "node:assert/strict";

import {
  BinanceAPIError,
  PRODUCTS,
  VERSION,
  productForUrl,
  spot as spotFromRoot,
  type Action,
  type AdviceOptions,
  type Annotation,
  type Category,
  type ErrorFields,
  type ErrorInfo,
  type FormerMessage,
  type HeadersInput,
  type Kind,
  type MessageMatch,
  type MessageTable,
  type PartsOptions,
  type ProductId,
  type ResponseBody,
  type ResponseOptions,
  type TableRow,
} from "binance-error-codes";
import {
  ErrorCode,
  LAST_UPDATED,
  PRODUCT,
  SOURCE_URL,
  TITLE,
  advice,
  annotation,
  lookup,
  match,
  table,
  tables,
  type ErrorName,
} from "binance-error-codes/spot";
import * as usdm from "binance-error-codes/usdm";

// -- ErrorCode: literal types, one per name --------------------------------------------

const tooMany: -1003 = ErrorCode.TOO_MANY_REQUESTS;
const code: ErrorCode = ErrorCode.TIMEOUT;
const name: ErrorName = "TOO_MANY_REQUESTS";
assert.equal(tooMany, -1003);
assert.equal(code, -1007);
assert.equal(ErrorCode[name], -1003);
// @ts-expect-error: a number no spot code has is not an ErrorCode
const notACode: ErrorCode = 12345;
assert.equal(notACode, 12345);
assert.ok(Object.isFrozen(ErrorCode));
const product: "spot" = PRODUCT;
assert.equal(product, "spot");
assert.ok(TITLE.length > 0 && SOURCE_URL.startsWith("https://"));
assert.equal(LAST_UPDATED ?? "none", LAST_UPDATED === undefined ? "none" : LAST_UPDATED);

// -- lookup, annotation, table -----------------------------------------------------------

const info: ErrorInfo<ErrorCode, ErrorName> | undefined = lookup(-1003);
assert.ok(info !== undefined);
const infoName: ErrorName = info.name;
const section: string = info.section;
const messages: readonly string[] = info.messages;
const former: readonly FormerMessage[] = info.formerMessages;
const category: Category = info.category;
assert.equal(infoName, "TOO_MANY_REQUESTS");
assert.equal(section, "10xx - General Server or Network issues");
assert.equal(messages[0], "Too many requests queued.");
assert.ok(former.every((item) => typeof item.message === "string"));
assert.equal(category, "rate_limit");
assert.equal(lookup(-1234), undefined);
const precision = lookup(-1111)?.formerMessages[0];
assert.equal(precision?.message, "Precision is over the maximum defined for this asset.");
assert.equal(lookup(ErrorCode.BOTH_OCO_ORDERS_CANNOT_BE_CONTINGENT)?.deprecated, true);

const timeout: Annotation = annotation(ErrorCode.TIMEOUT);
assert.equal(timeout.executionUnknown, true);
assert.equal(timeout.reason, timeout.reasons[0]);
const undocumented: Annotation = annotation(-1234);
assert.equal(undocumented.category, "request");

const filters: MessageTable | undefined = table("filter_failures");
const firstRow: TableRow | undefined = filters?.rows[0];
assert.equal(firstRow?.message, "Filter failure: PRICE_FILTER");
assert.ok(tables().some((candidate) => candidate.id === "order_rejections"));
assert.equal(table("no such table"), undefined);

// -- match ---------------------------------------------------------------------------------

const found: MessageMatch | undefined = match(-1105, "Parameter 'symbol' was empty.");
assert.ok(found !== undefined);
const kind: Kind = found.kind;
const params: readonly string[] = found.params;
assert.equal(kind, "exact");
assert.deepEqual(params, ["symbol"]);
assert.equal(found.tableRow, undefined);
const extended = usdm.match(-2015, "Invalid API-key, IP, or permissions for action, request ip: 1.2.3.4");
assert.equal(extended?.kind, "extended");
assert.equal(extended?.detail, ", request ip: 1.2.3.4");
const other = match(-1013, "Too many requests queued.");
assert.equal(other?.documentedCode, ErrorCode.TOO_MANY_REQUESTS);
assert.equal(match(-1003, "something new"), undefined);

// -- advice and BinanceAPIError --------------------------------------------------------------

const options: AdviceOptions = { httpStatus: 503, msg: "Service Unavailable.", method: "POST" };
assert.equal(usdm.advice(usdm.ErrorCode.REQUEST_THROTTLED, options).action, "retry");
assert.equal(advice(undefined, { httpStatus: 502 }).category, "invalid_payload");

const headers: HeadersInput = new Headers({ "Retry-After": "30", "X-MBX-USED-WEIGHT-1M": "6001" });
const body: ResponseBody = '{"code":-1003,"msg":"Too many requests queued."}';
const respond: ResponseOptions = {
  headers,
  url: new URL("https://api.binance.com/api/v3/order"),
  method: "POST",
};
const err: BinanceAPIError = BinanceAPIError.fromResponse(429, body, respond);
assert.ok(err instanceof Error);
const errName: "BinanceAPIError" = err.name;
const action: Action = err.action;
const errProduct: ProductId = err.product;
assert.equal(errName, "BinanceAPIError");
assert.equal(action, "retry");
assert.equal(errProduct, "spot");
assert.equal(err.retryAfter, 30);
assert.deepEqual({ ...err.headers }, { "X-MBX-USED-WEIGHT-1M": 6001 });
assert.equal(err.match?.template, "Too many requests queued.");
assert.equal(err.annotation.action, err.action);

/** What an application does with the action: every action has a branch. */
function plan(error: BinanceAPIError): string {
  switch (error.action) {
    case "retry":
      return `send again in ${error.retryAfter ?? 1} s`;
    case "resync_and_retry":
      return "resync the clock, then send again";
    case "reconcile":
      return "query the order before sending it again";
    case "fix_request":
      return "change the request";
    case "stop":
      return "stop";
  }
}
assert.equal(plan(err), "send again in 30 s");

const frame = new TextEncoder().encode(
  '{"id":"7","status":400,"error":{"code":-1013,"msg":"Filter failure: LOT_SIZE"}}',
);
const ws = BinanceAPIError.fromResponse(null, frame, { url: "wss://ws-api.binance.com:443/ws-api/v3" });
assert.equal(ws.httpStatus, 400);
assert.equal(ws.code, -1013);
assert.equal(ws.payload?.["id"], "7");

const parts: PartsOptions = { product: "usdm", now: 1_700_000_000, incomplete: ["headers"] };
const banned = BinanceAPIError.fromParts(
  418,
  { code: -1003, msg: "Way too many requests; IP(1.2.3.4) banned until 1700000030000." },
  parts,
);
assert.equal(banned.retryAfter, 30);
assert.deepEqual([...banned.incomplete], ["headers"]);

const html = BinanceAPIError.fromPayload(new TextEncoder().encode("<html>502</html>"), { httpStatus: 502 });
assert.equal(html.code, undefined);
assert.equal(html.category, "invalid_payload");
assert.equal(typeof html.problem, "string");

const fields: ErrorFields = { code: -1003, msg: "Too many requests queued.", product: "spot" };
const made = new BinanceAPIError(fields);
assert.equal(made.message, "spot -1003 TOO_MANY_REQUESTS: Too many requests queued.");
assert.equal(made.category, "invalid_payload");
const advised = new BinanceAPIError({ ...fields, annotation: annotation(-1003), httpStatus: 429 });
assert.equal(advised.action, "retry");
assert.equal(advised.httpStatus, 429);

// @ts-expect-error: a product that does not exist is a type error, and a RangeError
assert.throws(() => BinanceAPIError.fromResponse(400, "{}", { product: "nope" }), RangeError);

// -- the rest of the root ------------------------------------------------------------------

const products: readonly ProductId[] = PRODUCTS;
assert.ok(products.includes("spot") && products.includes("usdm"));
assert.equal(productForUrl("https://fapi.binance.com/fapi/v1/order"), "usdm");
assert.equal(productForUrl("https://example.com/"), undefined);
assert.equal(spotFromRoot.ErrorCode, ErrorCode);
assert.ok(/^\d+\.\d+\.\d+$/.test(VERSION));

console.log("consumer.ts: every check passed");
