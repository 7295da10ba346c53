// Read an HTTP error response: the body's code and message, the rate-limit headers, the wait.
//
// A port of the Python package's `_response.py`. Everything here takes what a
// server (or a proxy in front of it) sent and never throws on it: a body that
// is not JSON, a header that is not a number, a ban time that is not a time
// all give a result that says so (a `problem`, or undefined). Only the
// caller's own type mistakes (headers that are not a mapping or pairs) throw
// TypeError. The `problem` texts say the same as Python's in JavaScript's words.

import { httpDateSeconds } from "./httpdate.js";
import { startsWithDigit, strip } from "./text.js";

/** @typedef {Record<string, unknown>} JsonObject */

/** Response headers that report the used request weight and order counts. */
export const RATE_LIMIT_PREFIXES = Object.freeze([
  "X-MBX-USED-WEIGHT-",
  "X-MBX-ORDER-COUNT-",
  "X-SAPI-USED-",
]);
/** What precedes the end of an IP ban, as milliseconds since the epoch, in -1003's message. */
export const BANNED_UNTIL = "banned until ";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LATIN1 = new TextDecoder("latin1");

/**
 * Whether `value` is a plain object (what JSON.parse makes of `{...}`), not an array,
 * a byte buffer or an instance of some class.
 * @param {unknown} value
 * @returns {value is JsonObject}
 */
export function isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Bytes as a Uint8Array, or undefined when `value` is not bytes.
 * @param {unknown} value
 * @returns {Uint8Array | undefined}
 */
function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/**
 * A response body, decoded as far as it goes.
 *
 * `document` is the JSON object (the whole envelope for the WebSocket API), or undefined.
 * `data` is the object holding `code` and `msg`: the document, or its `error` member for an
 * envelope. `status` is the envelope's `status`, if any. `text` is the body as text when it
 * is not a JSON object, else undefined. `problem` says why it is not an error payload.
 */
export class Body {
  /**
   * @param {JsonObject | undefined} document
   * @param {string | undefined} text
   * @param {string | undefined} problem
   */
  constructor(document, text, problem) {
    this.document = document;
    this.text = text;
    this.problem = problem;
    /** @type {JsonObject | undefined} */
    this.data = document;
    /** @type {number | undefined} */
    this.status = undefined;
    const envelope = document !== undefined && !Object.hasOwn(document, "code") ? document.error : undefined;
    if (document !== undefined && isPlainObject(envelope)) {
      const { status } = document;
      if (typeof status === "number" && Number.isInteger(status)) this.status = status;
      this.data = envelope;
    }
  }
}

/**
 * `body` (an object, JSON text, bytes, or null/undefined) as a `Body`.
 * @param {unknown} body
 * @returns {Body}
 */
export function decodeBody(body) {
  if (body === null || body === undefined) return new Body(undefined, undefined, "no body");
  /** @type {string | undefined} */
  let text;
  const bytes = bytesOf(body);
  if (bytes !== undefined) {
    try {
      body = UTF8.decode(bytes);
    } catch {
      return new Body(undefined, undefined, "not UTF-8");
    }
  }
  if (typeof body === "string") {
    text = body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return new Body(undefined, text, `not JSON (${errorText(error)}): ${shorten(text)}`);
    }
  }
  if (!isPlainObject(body)) {
    return new Body(undefined, text, `not a JSON object but ${typeName(body)}: ${shorten(body)}`);
  }
  return new Body(body, undefined, undefined);
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function typeName(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value !== "object") return typeof value;
  try {
    return value.constructor?.name ?? "object";
  } catch {
    return "object";
  }
}

/**
 * The payload's code, msg, and the first problem found with them.
 * @param {JsonObject | undefined} data
 * @param {string | undefined} problem
 * @returns {[number | undefined, string, string | undefined]}
 */
export function readFields(data, problem) {
  if (data === undefined) return [undefined, "", problem];
  const { code, msg } = data;
  const text = typeof msg === "string" ? msg : "";
  if (!Object.hasOwn(data, "code")) return [undefined, text, `no 'code' in ${shorten(data)}`];
  if (typeof code !== "number" || !Number.isInteger(code)) {
    return [undefined, text, `'code' is not an integer: ${shorten(code)}`];
  }
  if (!Object.hasOwn(data, "msg")) return [code, text, `no 'msg' in ${shorten(data)}`];
  if (typeof msg !== "string") return [code, text, `'msg' is not a string: ${shorten(msg)}`];
  return [code, text, undefined];
}

/**
 * `value` as JSON (or its text), cut to `limit` characters; its type's name when it cannot
 * be shown (nested too deeply, or a BigInt). Never throws.
 * @param {unknown} value
 * @param {number} [limit]
 * @returns {string}
 */
export function shorten(value, limit = 120) {
  let text;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = `<${typeName(value)}>`;
  }
  return text.length <= limit ? text : text.slice(0, limit - 3) + "...";
}

/**
 * `headers` as [name, value] pairs of text: a plain object, a `Headers`, a Map, or pairs.
 *
 * Names and values that are neither strings nor bytes (Latin-1, as HTTP has it) are
 * skipped. null/undefined give no pairs; anything else is the caller's mistake: TypeError.
 * @param {unknown} headers
 * @returns {Array<[string, string]>}
 */
export function headerItems(headers) {
  if (headers === null || headers === undefined) return [];
  /** @type {Iterable<unknown>} */
  let pairs;
  if (typeof headers === "string" || bytesOf(headers) !== undefined) {
    throw new TypeError(`headers must be a mapping or [name, value] pairs, not ${typeName(headers)}`);
  } else if (typeof headers === "object" && Symbol.iterator in headers) {
    pairs = /** @type {Iterable<unknown>} */ (headers);
  } else if (typeof headers === "object") {
    pairs = Object.entries(headers);
  } else {
    throw new TypeError(`headers must be a mapping or [name, value] pairs, not ${typeName(headers)}`);
  }
  /** @type {Array<[string, string]>} */
  const found = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`headers must be [name, value] pairs, got ${shorten(pair)}`);
    }
    const name = asText(pair[0]);
    const value = asText(pair[1]);
    if (name !== undefined && value !== undefined) found.push([name, value]);
  }
  return found;
}

/**
 * @param {unknown} value
 * @returns {string | undefined}
 */
function asText(value) {
  if (typeof value === "string") return value;
  const bytes = bytesOf(value);
  return bytes === undefined ? undefined : LATIN1.decode(bytes);
}

/**
 * The used-weight and order-count headers, names in upper case, values as numbers.
 * A value that is not a whole number is left out.
 * @param {Iterable<[string, string]>} pairs
 * @returns {Record<string, number>}
 */
export function rateLimitHeaders(pairs) {
  /** @type {Record<string, number>} */
  const found = {};
  for (const [name, value] of pairs) {
    const upper = strip(name).toUpperCase();
    if (RATE_LIMIT_PREFIXES.some((prefix) => upper.startsWith(prefix))) {
      const number = wholeNumber(value);
      if (number !== undefined) found[upper] = number;
    }
  }
  return found;
}

/**
 * `text` as a non-negative decimal integer (ASCII digits only), else undefined.
 * @param {string} text
 * @returns {number | undefined}
 */
export function wholeNumber(text) {
  const stripped = strip(text);
  return /^[0-9]+$/.test(stripped) ? Number(stripped) : undefined;
}

/**
 * Seconds to wait before sending again: the `Retry-After` header, else the ban's end.
 * @param {Iterable<[string, string]>} pairs
 * @param {string} msg
 * @param {number} now seconds since the epoch
 * @returns {number | undefined}
 */
export function retryAfter(pairs, msg, now) {
  for (const [name, value] of pairs) {
    if (strip(name).toLowerCase() === "retry-after") {
      const seconds = retryAfterValue(strip(value), now);
      if (seconds !== undefined) return seconds;
    }
  }
  return banTimeLeft(msg, now);
}

/**
 * A `Retry-After` value (seconds, or an HTTP date) as seconds from `now`.
 * @param {string} value
 * @param {number} now
 * @returns {number | undefined}
 */
export function retryAfterValue(value, now) {
  const number = wholeNumber(value);
  if (number !== undefined) return number;
  if (!value || startsWithDigit(value)) return undefined;
  const moment = httpDateSeconds(value);
  return moment === undefined ? undefined : Math.max(0, moment - now);
}

/**
 * Seconds until the end of the ban a message announces (`banned until 1700000000000`).
 * @param {string} msg
 * @param {number} now
 * @returns {number | undefined}
 */
export function banTimeLeft(msg, now) {
  const start = typeof msg === "string" ? msg.indexOf(BANNED_UNTIL) : -1;
  if (start < 0) return undefined;
  const rest = msg.slice(start + BANNED_UNTIL.length);
  const space = rest.indexOf(" ");
  const digits = (space < 0 ? rest : rest.slice(0, space)).replace(/[.,;]+$/, "");
  const number = wholeNumber(digits);
  if (number === undefined || digits.length < 9 || digits.length > 13) return undefined;
  const until = digits.length > 10 ? number / 1000 : number;
  return Math.max(0, until - now);
}
