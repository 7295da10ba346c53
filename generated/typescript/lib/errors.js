// The error for Binance's error responses: `BinanceAPIError`.
//
// A port of the Python package's `_errors.py`. `fromResponse` is synchronous:
// it needs the product module of the API that answered, and this module
// imports every product (`../products.js`), so the package's root costs more
// to import than one product's subpath (see the README, "TypeScript").

import { Annotation, NO_CODE_ANNOTATION } from "./advice.js";
import { decodeBody, headerItems, rateLimitHeaders, readFields, retryAfter } from "./response.js";
import { collapse, strip } from "./text.js";
import { productForUrl } from "./urls.js";
import { PRODUCT_MODULES, PRODUCTS } from "../products.js";

/** @typedef {import("./matching.js").MessageMatch} MessageMatch */
/** @typedef {import("./types.js").Action} Action */
/** @typedef {import("../products.js").ProductId} ProductId */
/** @typedef {import("../products.js").ProductModule} ProductModule */

/** The product assumed when neither `product` nor a known URL says which API answered. */
export const DEFAULT_PRODUCT = "spot";

/**
 * Everything a `BinanceAPIError` holds; the constructor's argument.
 * @typedef {object} ErrorFields
 * @property {number | undefined} code
 * @property {string} msg
 * @property {ProductId} product
 * @property {MessageMatch | undefined} [match]
 * @property {Annotation | undefined} [annotation] the advice; by default that of a payload
 *   without a usable code
 * @property {number | undefined} [httpStatus]
 * @property {Record<string, unknown> | undefined} [payload]
 * @property {string | undefined} [problem]
 * @property {string | undefined} [method]
 * @property {string | undefined} [url]
 * @property {Readonly<Record<string, number>> | undefined} [headers]
 * @property {number | undefined} [retryAfter]
 * @property {readonly string[] | undefined} [incomplete]
 */

/**
 * What `fromResponse` is told besides the status and the body.
 * @typedef {object} ResponseOptions
 * @property {unknown} [headers] a plain object, a `Headers`, a Map, or [name, value] pairs
 * @property {unknown} [url] the URL the request went to (a string or a `URL`)
 * @property {ProductId} [product] the API that answered; else the URL says, else `spot`
 * @property {string} [method] the request's method
 */

/**
 * `fromParts` is also told what a client dropped, and when the response arrived.
 * @typedef {ResponseOptions & { incomplete?: readonly string[], now?: number }} PartsOptions
 */

/** An error Binance returned: what it means and what to do about it. */
export class BinanceAPIError extends Error {
  /** @param {ErrorFields} fields */
  constructor(fields) {
    const { code, msg, product, httpStatus, problem } = fields;
    super(describeError(code, msg, product, httpStatus, problem));
    const annotation = fields.annotation ?? NO_CODE_ANNOTATION;
    this.name = "BinanceAPIError";
    /** @readonly */ this.code = code;
    /** @readonly */ this.msg = msg;
    /** @readonly */ this.product = product;
    /** @readonly */ this.match = fields.match;
    /** @type {string} */ this.category = annotation.category;
    /** @type {boolean} */ this.retryable = annotation.retryable;
    /** @type {boolean} */ this.executionUnknown = annotation.executionUnknown;
    /** @type {Action} */ this.action = annotation.action;
    /** @type {readonly string[]} */ this.reasons = annotation.reasons;
    /** @type {readonly string[]} */ this.sources = annotation.sources;
    /** @readonly */ this.httpStatus = httpStatus;
    /** @readonly */ this.method = fields.method;
    /** @readonly */ this.url = fields.url;
    /** @readonly */ this.headers = Object.freeze({ ...fields.headers });
    /** @readonly */ this.retryAfter = fields.retryAfter;
    /** @readonly */ this.payload = fields.payload;
    /** @readonly */ this.problem = problem;
    /** @type {readonly string[]} */ this.incomplete = Object.freeze([...(fields.incomplete ?? [])]);
  }

  /** The reason of the rule that decided the action (the first of `reasons`). */
  get reason() {
    return this.reasons.length ? this.reasons[0] : "";
  }

  /** The advice as one `Annotation`: category, flags, action, reasons, sources. */
  get annotation() {
    return new Annotation(
      this.category,
      this.retryable,
      this.executionUnknown,
      this.action,
      this.reasons,
      this.sources,
    );
  }

  /**
   * The error for one HTTP (or WebSocket API) response, and what to do about it.
   *
   * `status` is the HTTP status (undefined or null when unknown; a WebSocket API
   * envelope's `status` stands in for it). `body` is the body as received: an object,
   * JSON text or bytes, HTML, or nothing. Never throws because of what the server
   * sent; throws RangeError for an unknown `product` and TypeError when `status` is
   * not an integer, `method` not a string, or `headers` neither a mapping nor pairs.
   * @param {number | null | undefined} status
   * @param {unknown} body
   * @param {ResponseOptions} [options]
   * @returns {BinanceAPIError}
   */
  static fromResponse(status, body, options = {}) {
    const { headers, url, product, method } = checkOptions(options);
    return BinanceAPIError.fromParts(status, body, { headers, url, product, method });
  }

  /**
   * The error for a Binance error response body alone: `fromResponse(httpStatus, payload,
   * { product })`, except that the product defaults to `spot`.
   * @param {unknown} payload
   * @param {{ product?: ProductId, httpStatus?: number | null }} [options]
   * @returns {BinanceAPIError}
   */
  static fromPayload(payload, options = {}) {
    const { product = DEFAULT_PRODUCT, httpStatus } = checkOptions(options);
    checkStatus(httpStatus, "httpStatus");
    productModule(product);
    return BinanceAPIError.fromParts(httpStatus, payload, { product });
  }

  /**
   * `fromResponse`, plus what a client library dropped (`incomplete`) and `now`, the time
   * the response arrived in seconds since the epoch (the time a ban's end is counted from).
   * @param {number | null | undefined} status
   * @param {unknown} body
   * @param {PartsOptions} [options]
   * @returns {BinanceAPIError}
   */
  static fromParts(status, body, options = {}) {
    const { headers, url, product, method, incomplete = [], now } = checkOptions(options);
    checkStatus(status, "status");
    if (method !== undefined && method !== null && typeof method !== "string") {
      throw new TypeError(`method must be a string or undefined, not ${typeof method}`);
    }
    const address = urlText(url);
    const name = product !== undefined && product !== null ? product : productOfUrl(address);
    const module = productModule(name);
    const pairs = headerItems(headers);
    const decoded = decodeBody(body);
    const httpStatus = status ?? decoded.status;
    const [code, msg, problem] = readFields(decoded.data, decoded.problem);
    const text = msg || decoded.text === undefined ? msg : decoded.text;
    const advice = module.advice(code, { httpStatus, msg: text, method: method ?? undefined });
    return new BinanceAPIError({
      code,
      msg,
      product: name,
      match: code !== undefined && problem === undefined ? module.match(code, msg) : undefined,
      annotation: advice,
      httpStatus,
      payload: decoded.document,
      problem,
      method: typeof method === "string" ? strip(method).toUpperCase() : undefined,
      url: address,
      headers: rateLimitHeaders(pairs),
      retryAfter: retryAfter(pairs, msg, now ?? Date.now() / 1000),
      incomplete,
    });
  }
}

/**
 * @template {object} T
 * @param {T} options
 * @returns {T}
 */
function checkOptions(options) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, not ${options === null ? "null" : typeof options}`);
  }
  return options;
}

/**
 * TypeError unless `status` (the argument `name`) is an integer, null or undefined.
 * @param {unknown} status
 * @param {string} name
 * @returns {asserts status is number | null | undefined}
 */
function checkStatus(status, name) {
  if (status !== undefined && status !== null && !(typeof status === "number" && Number.isInteger(status))) {
    throw new TypeError(`${name} must be an integer or undefined, not ${typeof status}`);
  }
}

/**
 * `url` as text (a string, or what `String()` makes of a URL object); undefined if none.
 * @param {unknown} url
 * @returns {string | undefined}
 */
function urlText(url) {
  if (url === undefined || url === null) return undefined;
  if (typeof url === "string") return url;
  try {
    return String(url);
  } catch {
    return undefined;
  }
}

/**
 * The product `url` belongs to, else `DEFAULT_PRODUCT`.
 * @param {string | undefined} url
 * @returns {ProductId}
 */
function productOfUrl(url) {
  return productForUrl(url) ?? DEFAULT_PRODUCT;
}

/**
 * The product's module; RangeError naming the known ids otherwise.
 * @param {unknown} product
 * @returns {ProductModule}
 */
export function productModule(product) {
  if (typeof product !== "string" || !Object.hasOwn(PRODUCT_MODULES, product)) {
    const shown = typeof product === "string" ? JSON.stringify(product) : String(product);
    throw new RangeError(`unknown product ${shown}; expected one of: ${PRODUCTS.join(", ")}`);
  }
  return PRODUCT_MODULES[/** @type {ProductId} */ (product)];
}

/**
 * The error's message: `spot -1003 TOO_MANY_REQUESTS: ...` or what was malformed.
 * One line whatever the server sent (`err.msg` keeps the message as sent).
 * @param {number | undefined} code
 * @param {string} msg
 * @param {ProductId} product
 * @param {number | undefined} httpStatus
 * @param {string | undefined} problem
 * @returns {string}
 */
function describeError(code, msg, product, httpStatus, problem) {
  const status = httpStatus !== undefined ? ` (HTTP ${httpStatus})` : "";
  const name = code === undefined ? undefined : PRODUCT_MODULES[product]?.lookup(code)?.name;
  const label = code === undefined ? "no code" : name === undefined ? String(code) : `${code} ${name}`;
  if (problem !== undefined) {
    const where = code !== undefined ? ` for ${product} ${label}` : ` from ${product}`;
    return `malformed Binance error payload${where}${status}: ${problem}`;
  }
  return `${product} ${label}${status}: ${oneLine(msg)}`;
}

/**
 * `text` with whitespace collapsed and control characters escaped.
 * @param {string} text
 * @returns {string}
 */
function oneLine(text) {
  return collapse(text).replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
