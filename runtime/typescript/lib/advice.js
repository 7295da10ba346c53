// What an error means for a caller, and the one thing to do about it.
//
// A port of the Python package's `_advice.py`. An `Annotation` is a code's
// advice as spec/annotations.yaml resolves it; `advise` adjusts it to one
// response: the product's message rules, then its HTTP rules (a status,
// optionally one of the message variants Binance documents for it), then the
// request's method (an execution-unknown GET is simply resent). The rules are
// data the generator writes into each product module; this module applies them.

import { collapse, rstrip, strip } from "./text.js";

/** @typedef {import("./types.js").Action} Action */
/**
 * What a rule sets: category, retryable, executionUnknown (null: unchanged), the action,
 * the reason, the cited source (or null).
 * @typedef {readonly [string | null, boolean | null, boolean | null, string, string, string | null]} RuleFields
 */
/**
 * [lowest status, highest status, message variants as `variantKey` writes them (empty: any),
 * ...RuleFields]; its category applies only to a response without a usable code.
 * @typedef {readonly [number, number, readonly string[], string | null, boolean | null, boolean | null, string, string, string | null]} HttpRule
 */
/**
 * [the codes it covers (empty: all), phrases as `variantKey` writes them, ...RuleFields].
 * @typedef {readonly [readonly number[], readonly string[], string | null, boolean | null, boolean | null, string, string, string | null]} MessageRule
 */

/** Every action, from the least to the most drastic. */
export const ACTIONS = Object.freeze(
  /** @type {const} */ (["retry", "resync_and_retry", "reconcile", "fix_request", "stop"]),
);

/** Methods that only read: resending one whose outcome is unknown changes nothing. */
export const SAFE_METHODS = Object.freeze(["GET", "HEAD", "OPTIONS"]);

/** What a code means for a caller, and what to do, with the reasons and their sources. */
export class Annotation {
  /**
   * @param {string} category
   * @param {boolean} retryable
   * @param {boolean} executionUnknown
   * @param {string} action
   * @param {readonly string[]} reasons
   * @param {readonly string[]} [sources]
   */
  constructor(category, retryable, executionUnknown, action, reasons, sources = []) {
    /** @readonly */ this.category = category;
    /** @readonly */ this.retryable = retryable;
    /** @readonly */ this.executionUnknown = executionUnknown;
    /** @readonly */ this.action = /** @type {Action} */ (action);
    /** @readonly */ this.reasons = Object.freeze(reasons.slice());
    /** @readonly */ this.sources = Object.freeze(sources.slice());
    Object.freeze(this);
  }

  /** The most specific reason: the one of the rule that decided the action. */
  get reason() {
    return this.reasons.length ? this.reasons[0] : "";
  }
}

/** The category of an error whose payload had no usable code. */
export const INVALID_PAYLOAD = "invalid_payload";
const NO_CODE = "The payload has no usable error code, so nothing more is known about the error.";
/** The advice for a body without a usable code, before the HTTP rules have their say. */
export const NO_CODE_ANNOTATION = new Annotation(INVALID_PAYLOAD, false, false, "stop", [NO_CODE]);

/**
 * `text` as the rules compare it: whitespace collapsed, no trailing periods, lower case.
 * @param {string} text
 * @returns {string}
 */
export function variantKey(text) {
  return rstrip(collapse(text), ". ").toLowerCase();
}

/**
 * The first rule whose phrase a text contains, for `code`.
 * @param {readonly MessageRule[]} rules
 * @param {number | undefined} code
 * @param {readonly string[]} texts
 * @returns {MessageRule | undefined}
 */
export function findMessageRule(rules, code, texts) {
  const keys = texts.filter(Boolean).map(variantKey);
  if (code === undefined || !keys.length) return undefined;
  for (const rule of rules) {
    const [codes, phrases] = rule;
    if (codes.length && !codes.includes(code)) continue;
    if (phrases.some((phrase) => keys.some((key) => key.includes(phrase)))) return rule;
  }
  return undefined;
}

/**
 * The first rule that covers `status` and, where it lists variants, one of the texts.
 * @param {readonly HttpRule[]} rules
 * @param {number | undefined} status
 * @param {readonly string[]} texts
 * @returns {HttpRule | undefined}
 */
export function findHttpRule(rules, status, texts) {
  if (status === undefined) return undefined;
  const keys = new Set(texts.filter(Boolean).map(variantKey));
  for (const rule of rules) {
    const [low, high, variants] = rule;
    if (low <= status && status <= high && (!variants.length || variants.some((v) => keys.has(v)))) {
      return rule;
    }
  }
  return undefined;
}

/**
 * The parts of one response that `advise` weighs.
 * @typedef {object} Response
 * @property {number} [code] the payload's code; undefined for a response without one
 * @property {readonly string[]} [texts] the message, or a body that is plain text
 * @property {number} [status] the HTTP status
 * @property {string} [method] the request's method
 * @property {readonly MessageRule[]} [messageRules]
 * @property {readonly HttpRule[]} [httpRules]
 */

/**
 * `base` (a code's annotation) adjusted to one response: the first message rule for the
 * code whose phrase the message holds, then the first HTTP rule covering the status, then
 * the method (a `reconcile` because the outcome is unknown is `retry` for a safe method).
 * @param {Annotation} base
 * @param {Response} response
 * @returns {Annotation}
 */
export function advise(base, response) {
  const { code, texts = [], status, method, messageRules = [], httpRules = [] } = response;
  let advice = base;
  const messageRule = findMessageRule(messageRules, code, texts);
  if (messageRule !== undefined) {
    const [, , ...fields] = messageRule;
    advice = applyRule(advice, fields, true);
  }
  const httpRule = findHttpRule(httpRules, status, texts);
  if (httpRule !== undefined) {
    const [, , , ...fields] = httpRule;
    advice = applyRule(advice, fields, code === undefined);
  }
  if (advice.action === "reconcile" && advice.executionUnknown && isSafeMethod(method)) {
    const reason = `${String(method).toUpperCase()} only reads, so resending it is safe.`;
    advice = new Annotation(
      advice.category,
      advice.retryable,
      advice.executionUnknown,
      "retry",
      [reason, ...advice.reasons],
      advice.sources,
    );
  }
  return advice;
}

/**
 * `advice` with a rule's fields (those it gives) set, its reason and source first.
 * @param {Annotation} advice
 * @param {RuleFields} fields
 * @param {boolean} setCategory
 * @returns {Annotation}
 */
export function applyRule(advice, fields, setCategory) {
  const [category, retryable, unknown, action, reason, source] = fields;
  let { sources } = advice;
  if (source !== null) sources = [source, ...sources.filter((s) => s !== source)];
  return new Annotation(
    setCategory && category !== null ? category : advice.category,
    retryable === null ? advice.retryable : retryable,
    unknown === null ? advice.executionUnknown : unknown,
    action,
    [reason, ...advice.reasons],
    sources,
  );
}

/**
 * Whether `method` (any case) only reads; undefined (not known) is not.
 * @param {unknown} method
 * @returns {boolean}
 */
export function isSafeMethod(method) {
  return typeof method === "string" && SAFE_METHODS.includes(strip(method).toUpperCase());
}
