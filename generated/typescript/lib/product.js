// One product's API over its data: lookup, match, annotation, advice, table, tables.
//
// Each generated product module (`spot.js`, ...) holds its codes' names
// (`ErrorCode`, built at import) and the rest of its data inside a function
// that runs on the first call that needs it, so that importing a product costs
// little more than parsing the module. This module turns that data into the
// functions the product exports, with the behaviour of the Python package's
// product modules (`lookup`, `match`, `annotation`, `advice`, `table`).

import { Annotation, NO_CODE_ANNOTATION, advise } from "./advice.js";
import { MessageMatcher } from "./matching.js";

/** @typedef {import("./types.js").ErrorInfo} ErrorInfo */
/** @typedef {import("./types.js").MessageTable} MessageTable */
/** @typedef {import("./types.js").TableRow} TableRow */
/** @typedef {import("./types.js").AdviceOptions} AdviceOptions */
/** @typedef {import("./matching.js").MessageMatch} MessageMatch */
/** @typedef {import("./advice.js").HttpRule} HttpRule */
/** @typedef {import("./advice.js").MessageRule} MessageRule */

/**
 * A code's advice as the generator writes it: category, retryable, executionUnknown,
 * action, reasons, sources.
 * @typedef {readonly [string, boolean, boolean, string, readonly string[], readonly string[]]} Fields
 */

/**
 * One code as the generator writes it: the fields it has, nothing empty.
 * @typedef {object} ErrorData
 * @property {number} code
 * @property {string} name
 * @property {number} section the index of its section in `ProductData.sections`
 * @property {readonly string[]} messages its messages and its aliases', upstream order
 * @property {string} [title]
 * @property {readonly string[]} [notes]
 * @property {ReadonlyArray<readonly [string, string | null]>} [former] [message, last seen]
 * @property {readonly string[]} [aliases]
 * @property {readonly string[]} [formerNames]
 * @property {string} [added]
 * @property {string} [removed]
 */

/**
 * A message table as the generator writes it; rows are [message, description].
 * @typedef {object} TableData
 * @property {string} id
 * @property {string} title
 * @property {readonly number[]} codes
 * @property {ReadonlyArray<readonly [string, string]>} rows
 * @property {ReadonlyArray<readonly [string, string]>} [formerRows]
 */

/**
 * Everything a product module holds besides `ErrorCode`.
 * @typedef {object} ProductData
 * @property {readonly string[]} sections
 * @property {readonly ErrorData[]} errors
 * @property {readonly TableData[]} tables
 * @property {ReadonlyArray<readonly [string, readonly string[]]>} templates every message
 *   with placeholders and its compiled form, most specific first
 * @property {ReadonlyArray<readonly [number, ...Fields]>} annotations each documented code's
 * @property {ReadonlyArray<readonly [number, ...Fields]>} universal codes the page omits that
 *   mean the same on every API
 * @property {ReadonlyArray<readonly [number, number, ...Fields]>} ranges undocumented codes,
 *   by range
 * @property {Fields} default the advice of any other code
 * @property {readonly MessageRule[]} messageRules most specific first
 * @property {readonly HttpRule[]} httpRules most specific first
 */

/**
 * The functions a product module exports.
 * @typedef {object} ProductApi
 * @property {(code: number) => ErrorInfo | undefined} lookup
 * @property {(code: number, msg: string) => MessageMatch | undefined} match
 * @property {(code: number) => Annotation} annotation
 * @property {(code: number | null | undefined, options?: AdviceOptions) => Annotation} advice
 * @property {(id: string) => MessageTable | undefined} table
 * @property {() => readonly MessageTable[]} tables
 */

/**
 * The prepared form of a product's data, made on first use.
 * @typedef {object} Prepared
 * @property {ProductData} data
 * @property {Map<number, ErrorData>} entries
 * @property {Map<number, Fields>} annotations
 * @property {Map<number, Fields>} universal
 * @property {readonly MessageTable[]} tables
 */

/**
 * The API of one product over its data, which `load` returns when first needed.
 * @param {Readonly<Record<string, number>>} errorCode the product's `ErrorCode`
 * @param {() => ProductData} load
 * @returns {ProductApi}
 */
export function defineProduct(errorCode, load) {
  /** @type {Prepared | undefined} */
  let prepared;
  /** @type {MessageMatcher | undefined} */
  let matcher;
  /** @type {Map<number, ErrorInfo>} */
  const infos = new Map();
  const codes = new Set(Object.values(errorCode));

  /** @returns {Prepared} */
  function data() {
    if (prepared === undefined) {
      const loaded = load();
      prepared = {
        data: loaded,
        entries: new Map(loaded.errors.map((entry) => [entry.code, entry])),
        annotations: new Map(loaded.annotations.map(([code, ...fields]) => [code, fields])),
        universal: new Map(loaded.universal.map(([code, ...fields]) => [code, fields])),
        tables: Object.freeze(loaded.tables.map(messageTable)),
      };
    }
    return prepared;
  }

  /**
   * What the product documents about `code`, or undefined when it documents nothing.
   * @param {number} code
   * @returns {ErrorInfo | undefined}
   */
  function lookup(code) {
    if (typeof code !== "number" || !codes.has(code)) return undefined;
    let info = infos.get(code);
    if (info === undefined) {
      const { entries, annotations, data: loaded } = data();
      const entry = /** @type {ErrorData} */ (entries.get(code));
      const fields = /** @type {Fields} */ (annotations.get(code));
      info = errorInfo(entry, loaded.sections[entry.section], fields);
      infos.set(code, info);
    }
    return info;
  }

  /**
   * Which documented message `msg` is for `code`, how it was found, the values; or
   * undefined. Never throws.
   * @param {number} code
   * @param {string} msg
   * @returns {MessageMatch | undefined}
   */
  function match(code, msg) {
    if (matcher === undefined) {
      const { data: loaded, tables } = data();
      matcher = new MessageMatcher({
        codes,
        messages: new Map(loaded.errors.map((entry) => [entry.code, entry.messages])),
        templates: new Map(loaded.templates),
        tables,
        former: new Map(
          loaded.errors
            .filter((entry) => entry.former !== undefined)
            .map((entry) => [entry.code, (entry.former ?? []).map(([text]) => text)]),
        ),
      });
    }
    return matcher.match(code, msg);
  }

  /**
   * Category, flags, action, reasons and sources of any code: a code the page omits gets
   * its meaning on every API when it has one, else its range's, else the default.
   * @param {number} code
   * @returns {Annotation}
   */
  function annotation(code) {
    if (typeof code !== "number") {
      throw new TypeError(`code must be a number, not ${code === null ? "null" : typeof code}`);
    }
    const { annotations, universal, data: loaded } = data();
    let fields = annotations.get(code) ?? universal.get(code);
    if (fields === undefined) {
      fields = loaded.default;
      for (const [low, high, ...range] of loaded.ranges) {
        if (low <= code && code <= high) {
          fields = range;
          break;
        }
      }
    }
    return new Annotation(...fields);
  }

  /**
   * What to do about `code` in one response: its annotation, adjusted to the message,
   * the HTTP status and the method (`code` undefined or null: a response without one).
   * @param {number | null | undefined} code
   * @param {AdviceOptions} [options]
   * @returns {Annotation}
   */
  function advice(code, options = {}) {
    const { httpStatus, msg = "", method } = options;
    if (httpStatus !== undefined && httpStatus !== null && typeof httpStatus !== "number") {
      throw new TypeError(`httpStatus must be a number or undefined, not ${typeof httpStatus}`);
    }
    const known = code === undefined || code === null ? undefined : code;
    const base = known === undefined ? NO_CODE_ANNOTATION : annotation(known);
    const { data: loaded } = data();
    return advise(base, {
      code: known,
      texts: typeof msg === "string" ? [msg] : [],
      status: httpStatus ?? undefined,
      method: method ?? undefined,
      messageRules: loaded.messageRules,
      httpRules: loaded.httpRules,
    });
  }

  /**
   * The message table with this id, or undefined.
   * @param {string} id
   * @returns {MessageTable | undefined}
   */
  function table(id) {
    return data().tables.find((candidate) => candidate.id === id);
  }

  /** @returns {readonly MessageTable[]} the page's message tables */
  function tables() {
    return data().tables;
  }

  return Object.freeze({ lookup, match, annotation, advice, table, tables });
}

/**
 * @param {ErrorData} entry
 * @param {string} section
 * @param {Fields} fields
 * @returns {ErrorInfo}
 */
function errorInfo(entry, section, fields) {
  return Object.freeze({
    code: entry.code,
    name: entry.name,
    section,
    messages: Object.freeze([...entry.messages]),
    notes: Object.freeze([...(entry.notes ?? [])]),
    formerMessages: Object.freeze(
      (entry.former ?? []).map(([message, lastSeen]) =>
        Object.freeze({ message, lastSeen: lastSeen ?? undefined }),
      ),
    ),
    title: entry.title,
    aliases: Object.freeze([...(entry.aliases ?? [])]),
    formerNames: Object.freeze([...(entry.formerNames ?? [])]),
    added: entry.added,
    removed: entry.removed,
    deprecated: entry.removed !== undefined,
    category: fields[0],
    retryable: fields[1],
    executionUnknown: fields[2],
    action: /** @type {import("./types.js").Action} */ (fields[3]),
  });
}

/**
 * @param {TableData} table
 * @returns {MessageTable}
 */
function messageTable(table) {
  /** @param {readonly [string, string]} row */
  const row = ([message, description]) => Object.freeze({ message, description });
  return Object.freeze({
    id: table.id,
    title: table.title,
    codes: Object.freeze([...table.codes]),
    rows: Object.freeze(table.rows.map(row)),
    formerRows: Object.freeze((table.formerRows ?? []).map(row)),
  });
}
