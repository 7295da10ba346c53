// Message matching: which documented message a runtime message is, and the values in it.
//
// A line-by-line port of the Python package's `_matching.py`, whose docstring
// specifies every rule so that both languages answer alike; the shared
// conformance cases (tests/conformance/cases.json) hold them to it. The ladder
// of kinds, strictest first, the first that finds a message winning:
//
// 1. exact: a documented message of the code, both normalised (a Map lookup),
//    or a full match of one of its templates' strict pattern;
// 2. table: the same with the rows of the tables bound to the code;
// 3. normalised: the message folded (ASCII case, quotes, spaces next to
//    punctuation) equals a candidate, or fully matches its loose pattern;
// 4. extended: a candidate's loose pattern inside the message, with server
//    text before or after it at punctuation, or one bracketed group taken out;
// 5. former: rules 1, 3 and 4 on the wordings the page used to have;
// 6. other_code: rules 1 and 3 on exactly one other code's messages.
//
// Patterns are built from the language-neutral compiled templates (literal,
// kind, literal, ...) with the same placeholder table as Python, in regex
// syntax both languages share; lengths are counted in code points, as Python
// counts them. Nothing here runs at import but constant definitions.

import { collapse, count, length, rstrip, strip } from "./text.js";

/** @typedef {import("./types.js").Kind} Kind */
/** @typedef {import("./types.js").TableRow} TableRow */
/** @typedef {import("./types.js").MessageTable} MessageTable */
/** @typedef {readonly string[]} Compiled */

/** How a message was recognised, strictest first: the order `match` tries. */
export const KINDS = Object.freeze(
  /** @type {const} */ (["exact", "table", "normalised", "extended", "former", "other_code"]),
);

/** The regex each placeholder kind of a compiled template becomes: one group each. */
export const PLACEHOLDER_PATTERNS = Object.freeze({
  s: "(.*?)",
  d: "([-+]?[0-9]+)",
  b: "([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])",
  named: "(.*?)",
  letter: "'(.*?)'",
  list: "(.+?)(?:\\.\\.\\.|\u2026)?",
});

/** The characters `escape` puts a backslash before in literal text. */
export const REGEX_SPECIAL = "\\^$.|?*+()[]{}";

/** Every quote character: `fold` writes each as `'`; `looseLiteral` accepts any. */
export const QUOTE_CHARACTERS =
  "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033";

/** A regex character class of `QUOTE_CHARACTERS`. */
export const QUOTE_CLASS = "[" + QUOTE_CHARACTERS + "]";

/** Punctuation and brackets: a space next to one does not matter (after quotes became `'`). */
export const TIGHT_CHARACTERS = ".,;:!?()[]{}='";

/** Characters that delimit server text from the documented text (see `delimited`). */
export const SEAM_CHARACTERS = TIGHT_CHARACTERS + "-|/\u2013\u2014";

/** Quotes an unquoted placeholder's value loses when it is wholly inside one pair of them. */
const UNQUOTE_PAIRS = new Map([
  ["'", "'"],
  ['"', '"'],
  ["\u2018", "\u2019"],
  ["\u201c", "\u201d"],
]);
const OPENING_QUOTES = [...UNQUOTE_PAIRS.keys()];
const CLOSING_QUOTES = [...UNQUOTE_PAIRS.values()];

/** Longer messages (code points, normalised) are only looked up exactly. */
export const MAX_TEMPLATED_LENGTH = 4096;
/** Longer messages get the strict kinds (exact, table) only. */
export const MAX_TOLERANT_LENGTH = 1024;
/** Literal characters (folded) a template needs before rules 3 to 6 use it. */
export const MIN_ANCHOR = 12;
/** Characters a literal segment needs before `Template.values` guards against it. */
export const MIN_GUARD = 4;
/** Rules 3 to 6 skip a template one of whose literal segments the message holds more often. */
export const MAX_REPEATS = 4;
/** Places in a message `Template.starts` offers for the documented text to begin. */
export const MAX_STARTS = 8;
/** Bracketed groups of a message that rule 4 tries taking out. */
export const MAX_INSERTED_GROUPS = 4;
/** How many answers of the pattern and tolerant kinds a matcher remembers. */
export const MEMO_SIZE = 1024;

/** Which documented message a runtime message is, how it was found, and the values in it. */
export class MessageMatch {
  /**
   * @param {number} code
   * @param {string} template
   * @param {readonly string[]} params
   * @param {TableRow | undefined} tableRow
   * @param {Kind} kind
   * @param {string | undefined} detail
   * @param {number | undefined} documentedCode
   */
  constructor(code, template, params, tableRow, kind, detail, documentedCode) {
    /** @readonly */ this.code = code;
    /** @readonly */ this.template = template;
    /** @readonly */ this.params = Object.freeze(params.slice());
    /** @readonly */ this.kind = kind;
    /** @readonly */ this.tableRow = tableRow;
    /** @readonly */ this.detail = detail;
    /** @readonly */ this.documentedCode = documentedCode;
    Object.freeze(this);
  }
}

// -- normal forms and patterns ------------------------------------------------------

/**
 * `message` with whitespace runs collapsed, ends stripped and trailing periods dropped.
 * @param {string} message
 * @returns {string}
 */
export function normaliseMessage(message) {
  return rstrip(collapse(message), ". ");
}

/**
 * `'` for any of `QUOTE_CHARACTERS`, else `char`.
 * @param {string} char
 * @returns {string}
 */
export function quoteAsOne(char) {
  return char !== "" && QUOTE_CHARACTERS.includes(char) ? "'" : char;
}

/**
 * Regex source: a backslash before each `REGEX_SPECIAL` character.
 * @param {string} literal
 * @returns {string}
 */
export function escape(literal) {
  let out = "";
  for (const char of literal) out += REGEX_SPECIAL.includes(char) ? "\\" + char : char;
  return out;
}

const FOLD_CHARACTERS = /[A-Z'"`\u00b4\u2018-\u201f\u2032\u2033]/g;
const FOLD_SPACES = new RegExp(
  `(?<=[${escape(TIGHT_CHARACTERS)}]) | (?=[${escape(TIGHT_CHARACTERS)}])`,
  "g",
);

/**
 * The tolerant form of a normalised text: ASCII capitals in lower case, every
 * quote as `'`, no space before or after a `TIGHT_CHARACTERS` character.
 * @param {string} key
 * @returns {string}
 */
export function fold(key) {
  const translated = key.replace(FOLD_CHARACTERS, (char) =>
    char >= "A" && char <= "Z" ? char.toLowerCase() : "'",
  );
  return translated.replace(FOLD_SPACES, "");
}

/**
 * Regex source matching `literal` as `fold` sees it, on an unfolded text.
 * @param {string} literal
 * @returns {string}
 */
export function looseLiteral(literal) {
  const chars = Array.from(literal);
  /** @type {string[]} */
  const out = [];
  chars.forEach((char, index) => {
    const before = index ? quoteAsOne(chars[index - 1]) : "";
    const after = index + 1 < chars.length ? quoteAsOne(chars[index + 1]) : "";
    const tight =
      (before !== "" && TIGHT_CHARACTERS.includes(before)) ||
      (after !== "" && TIGHT_CHARACTERS.includes(after));
    if (char === " " && tight) return;
    const folded = quoteAsOne(char);
    if (TIGHT_CHARACTERS.includes(folded)) {
      const body = folded === "'" ? QUOTE_CLASS : escape(char);
      const previous = out.length ? out[out.length - 1] : "";
      out.push((previous.endsWith(" ?") ? "" : " ?") + body + " ?");
    } else if (/^[A-Za-z]$/.test(char)) {
      out.push("[" + char.toUpperCase() + char.toLowerCase() + "]");
    } else {
      out.push(escape(char));
    }
  });
  return out.join("");
}

/** `PLACEHOLDER_PATTERNS` for loose patterns: a `letter` value may be in any quotes. */
export const LOOSE_PLACEHOLDER_PATTERNS = Object.freeze({
  ...PLACEHOLDER_PATTERNS,
  letter: QUOTE_CLASS + "(.*?)" + QUOTE_CLASS,
});

/**
 * `value` without the one pair of quotes around it, if the quote occurs nowhere else.
 * @param {string} value
 * @returns {string}
 */
export function unquote(value) {
  if (length(value) >= 2) {
    const closing = UNQUOTE_PAIRS.get(value[0]);
    if (closing !== undefined && value[value.length - 1] === closing) {
      const inner = value.slice(1, -1);
      if (!inner.includes(value[0]) && !inner.includes(closing)) return inner;
    }
  }
  return value;
}

/**
 * Whether the seam at `key[seam]` has punctuation on one side (spaces skipped).
 * @param {string} key
 * @param {number} seam
 * @returns {boolean}
 */
export function delimited(key, seam) {
  const head = rstrip(key.slice(0, seam), " ");
  const tail = key.slice(seam).replace(/^ +/, "");
  const before = quoteAsOne(head.slice(-1));
  const after = quoteAsOne(tail.slice(0, 1));
  return (
    (before !== "" && SEAM_CHARACTERS.includes(before)) ||
    (after !== "" && SEAM_CHARACTERS.includes(after))
  );
}

// -- templates ------------------------------------------------------------------------

/**
 * `^(?:source)$`, or with `from`: `(?:source)$` matched sticky at a position.
 * @param {string} source
 * @param {boolean} [from]
 * @returns {RegExp}
 */
function fullPattern(source, from = false) {
  return from ? new RegExp(`(?:${source})$`, "y") : new RegExp(`^(?:${source})$`);
}

/** One documented text the matcher knows: its compiled form and where it came from. */
class Template {
  /**
   * @param {string} text
   * @param {Compiled} parts
   * @param {TableRow | undefined} row
   */
  constructor(text, parts, row) {
    this.text = text;
    this.parts = parts;
    this.row = row;
    /** @type {boolean[]} */
    this.unquoted = [];
    for (let i = 1; i < parts.length; i += 2) {
      this.unquoted.push(
        (parts[i] === "s" || parts[i] === "named") &&
          !OPENING_QUOTES.some((quote) => parts[i - 1].endsWith(quote)) &&
          !CLOSING_QUOTES.some((quote) => parts[i + 1].startsWith(quote)),
      );
    }
    this.guards = this.literals()
      .map((literal) => strip(literal))
      .filter((literal) => length(literal) >= MIN_GUARD);
    this.templated = parts.length > 1;
    this.unquoting = this.unquoted.some(Boolean);
    this.plain = !this.unquoting && this.guards.length === 0;
    /** @type {string[] | undefined} */
    this.folded = undefined;
    /** @type {string[] | undefined} */
    this.needles = undefined;
    this.anchorLength = -1;
    /** @type {Map<string, RegExp>} */
    this.patterns = new Map();
  }

  /** @returns {string[]} the literal segments */
  literals() {
    return this.parts.filter((_, index) => index % 2 === 0);
  }

  /** @returns {string[]} the literal segments in `fold` form */
  foldedLiterals() {
    return (this.folded ??= this.literals().map(fold));
  }

  /** @returns {number} how many literal characters (code points) the template has, folded */
  anchor() {
    if (this.anchorLength < 0) {
      this.anchorLength = this.foldedLiterals().reduce((sum, part) => sum + length(part), 0);
    }
    return this.anchorLength;
  }

  /**
   * @param {string} name
   * @param {() => RegExp} build
   * @returns {RegExp}
   */
  pattern(name, build) {
    let found = this.patterns.get(name);
    if (found === undefined) {
      found = build();
      this.patterns.set(name, found);
    }
    return found;
  }

  /**
   * @param {(literal: string) => string} literal
   * @param {Readonly<Record<string, string>>} kinds
   * @returns {string}
   */
  source(literal, kinds) {
    return this.parts.map((part, i) => (i % 2 === 0 ? literal(part) : kinds[part])).join("");
  }

  /** @returns {RegExp} the pattern of rules 1 and 2, for a full match */
  strict() {
    return this.pattern("strict", () => fullPattern(this.source(escape, PLACEHOLDER_PATTERNS)));
  }

  /** @returns {string} the loose source: group 1 the template, then one group per placeholder */
  looseSource() {
    return "(" + this.source(looseLiteral, LOOSE_PLACEHOLDER_PATTERNS) + ")";
  }

  /** @returns {RegExp} the pattern of rules 3 to 6, for a full match */
  loose() {
    return this.pattern("loose", () => fullPattern(this.looseSource()));
  }

  /** @returns {boolean} whether `looseAround` ends with a group for the text after it */
  hasTail() {
    return this.parts[this.parts.length - 1] !== "";
  }

  /** @returns {RegExp} the loose pattern then `(.*)`, matched from a position to the end */
  looseAround() {
    return this.pattern("around", () =>
      fullPattern(this.looseSource() + (this.hasTail() ? "(.*)" : ""), true),
    );
  }

  /**
   * Where the template may begin in `key`: at most `MAX_STARTS` places.
   * @param {string} key
   * @returns {number[]}
   */
  starts(key) {
    const first = rstrip(this.parts[0], " ");
    if (!first) return [0];
    const pattern = this.pattern("first", () => new RegExp(looseLiteral(first), "g"));
    /** @type {number[]} */
    const found = [];
    let position = 0;
    while (found.length < MAX_STARTS) {
      pattern.lastIndex = position;
      const hit = pattern.exec(key);
      if (hit === null) break;
      found.push(hit.index);
      position = hit.index + 1;
    }
    return found;
  }

  /**
   * Whether the folded message lacks a literal segment, or holds one more than `MAX_REPEATS` times.
   * @param {string} folded
   * @returns {boolean}
   */
  crowded(folded) {
    const needles = (this.needles ??= this.foldedLiterals()
      .map((part) => part.replace(/^ +| +$/g, ""))
      .filter((needle) => length(needle) >= 3));
    for (const needle of needles) {
      if (!folded.includes(needle) || count(folded, needle) > MAX_REPEATS) return true;
    }
    return false;
  }

  /**
   * The placeholders' values; undefined when a value holds a literal segment of the template.
   * @param {readonly string[]} groups
   * @returns {readonly string[] | undefined}
   */
  values(groups) {
    if (this.plain) return groups;
    let values = groups;
    if (this.unquoting) {
      values = groups.map((value, i) => (this.unquoted[i] ? unquote(value) : value));
    }
    for (const guard of this.guards) {
      for (const value of values) {
        if (value.includes(guard)) return undefined;
      }
    }
    return values;
  }
}

/** A template found in a message: the values, the detail, and the span it covers. */
class Fit {
  /**
   * @param {Template} template
   * @param {readonly string[]} params
   * @param {string | undefined} detail
   * @param {readonly [number, number]} span
   */
  constructor(template, params, detail, span) {
    this.template = template;
    this.params = params;
    this.detail = detail;
    this.span = span;
  }
}

/**
 * The fit with the most literal text; undefined when another template ties with it.
 * With `nested`, also undefined when another fit's span is not inside the winner's.
 * @param {Fit[]} fits
 * @param {boolean} [nested]
 * @returns {Fit | undefined}
 */
export function best(fits, nested = false) {
  if (!fits.length) return undefined;
  let winner = fits[0];
  for (const fit of fits) if (fit.template.anchor() > winner.template.anchor()) winner = fit;
  for (const fit of fits) {
    if (fit.template.text === winner.template.text) continue;
    if (fit.template.anchor() === winner.template.anchor()) return undefined;
    if (nested && !(winner.span[0] <= fit.span[0] && fit.span[1] <= winner.span[1])) {
      return undefined;
    }
  }
  return winner;
}

const GROUPS = /\([^()[\]]*\)|\[[^()[\]]*\]/g;

/**
 * Spans of the first `MAX_INSERTED_GROUPS` bracketed groups of `key`, leftmost first.
 * @param {string} key
 * @returns {Array<[number, number]>}
 */
export function insertedGroups(key) {
  /** @type {Array<[number, number]>} */
  const spans = [];
  for (const found of key.matchAll(GROUPS)) {
    if (spans.length === MAX_INSERTED_GROUPS) break;
    const start = found.index ?? 0;
    spans.push([start, start + found[0].length]);
  }
  return spans;
}

// -- the matcher ------------------------------------------------------------------------

/**
 * The data one product's matcher reads (the product module's, as the generator wrote it).
 * @typedef {object} MatcherData
 * @property {ReadonlySet<number>} codes the codes the product documents
 * @property {ReadonlyMap<number, readonly string[]>} messages each code's messages
 * @property {ReadonlyMap<string, Compiled>} templates each message with placeholders,
 *   most specific first, to its compiled form
 * @property {readonly MessageTable[]} tables
 * @property {ReadonlyMap<number, readonly string[]>} former each code's former messages
 */

/** Matches one product's messages; builds its tables and compiles its patterns on first use. */
export class MessageMatcher {
  /** @param {MatcherData} data */
  constructor(data) {
    this.data = data;
    /** @type {Map<number, Map<string, MessageMatch>> | undefined} */
    this.exact = undefined;
    /** @type {Map<number, Template[]>} */
    this.own = new Map();
    /** @type {Map<number, Template[]>} */
    this.rows = new Map();
    /** @type {Tolerance | undefined} */
    this.tolerant = undefined;
    /** @type {Map<number, Map<string, MessageMatch | undefined>>} */
    this.memo = new Map();
    this.remembered = 0;
  }

  /**
   * The documented message `msg` is an instance of, for `code`; else undefined. Never throws.
   * @param {unknown} code
   * @param {unknown} msg
   * @returns {MessageMatch | undefined}
   */
  match(code, msg) {
    if (typeof msg !== "string" || typeof code !== "number" || !Number.isInteger(code)) {
      return undefined;
    }
    const exact = this.exact ?? this.build();
    const key = normaliseMessage(msg);
    const found = exact.get(code)?.get(key);
    if (found !== undefined) {
      const own = this.own.get(code);
      if (found.tableRow === undefined || own === undefined) return found;
      return this.strict(code, key, own, "exact") ?? found;
    }
    if (key.length > MAX_TEMPLATED_LENGTH && length(key) > MAX_TEMPLATED_LENGTH) return undefined;
    let memo = this.memo.get(code);
    if (memo?.has(key)) return memo.get(key);
    const answer = this.templated(code, key) ?? this.tolerate(code, key);
    if (MEMO_SIZE) {
      if (this.remembered >= MEMO_SIZE) {
        this.memo.clear();
        this.remembered = 0;
        memo = undefined;
      }
      if (memo === undefined) {
        memo = new Map();
        this.memo.set(code, memo);
      }
      memo.set(key, answer);
      this.remembered += 1;
    }
    return answer;
  }

  /**
   * Kinds 1 and 2 by pattern: the code's own templates, then its tables' templated rows.
   * @param {number} code
   * @param {string} key
   * @returns {MessageMatch | undefined}
   */
  templated(code, key) {
    const own = this.own.get(code);
    let hit = own !== undefined ? this.strict(code, key, own, "exact") : undefined;
    const rows = this.rows.get(code);
    if (hit === undefined && rows !== undefined) hit = this.strict(code, key, rows, "table");
    return hit;
  }

  /**
   * @param {number} code
   * @param {string} key
   * @param {Template[]} templates
   * @param {Kind} kind
   * @returns {MessageMatch | undefined}
   */
  strict(code, key, templates, kind) {
    for (const template of templates) {
      const instance = template.strict().exec(key);
      const params = instance === null ? undefined : template.values(instance.slice(1));
      if (params !== undefined) {
        return new MessageMatch(code, template.text, params, template.row, kind, undefined, undefined);
      }
    }
    return undefined;
  }

  /**
   * Kinds 3 to 6, for a code the product documents or binds a table to.
   * @param {number} code
   * @param {string} key
   * @returns {MessageMatch | undefined}
   */
  tolerate(code, key) {
    const known = this.data.codes.has(code) || this.rows.has(code) || (this.exact?.has(code) ?? false);
    if (!known || (key.length > MAX_TOLERANT_LENGTH && length(key) > MAX_TOLERANT_LENGTH)) {
      return undefined;
    }
    this.tolerant ??= new Tolerance(this);
    return this.tolerant.match(code, key);
  }

  /** @returns {Map<number, Map<string, MessageMatch>>} */
  build() {
    const { messages, templates, tables } = this.data;
    /** @type {Map<number, Map<string, MessageMatch>>} */
    const exact = new Map();
    /**
     * @param {number} code
     * @param {string} text
     * @param {MessageMatch} found
     */
    const remember = (code, text, found) => {
      let byKey = exact.get(code);
      if (byKey === undefined) exact.set(code, (byKey = new Map()));
      const key = normaliseMessage(text);
      if (!byKey.has(key)) byKey.set(key, found);
    };
    for (const [code, texts] of messages) {
      for (const message of texts) {
        const parts = templates.get(message);
        if (parts === undefined) {
          remember(code, message, new MessageMatch(code, message, [], undefined, "exact", undefined, undefined));
        } else {
          append(this.own, code, [new Template(message, parts, undefined)]);
        }
      }
    }
    for (const table of tables) {
      for (const row of table.rows) {
        const parts = templates.get(row.message);
        for (const code of table.codes) {
          if (parts === undefined) {
            remember(code, row.message, new MessageMatch(code, row.message, [], row, "table", undefined, undefined));
          } else {
            append(this.rows, code, [new Template(row.message, parts, row)]);
          }
        }
      }
    }
    /** @type {Map<string, number>} */
    const order = new Map();
    for (const text of templates.keys()) order.set(text, order.size);
    for (const found of [...this.own.values(), ...this.rows.values()]) {
      found.sort((a, b) => (order.get(a.text) ?? 0) - (order.get(b.text) ?? 0));
    }
    this.exact = exact;
    return exact;
  }
}

/**
 * Append `items` to the list of `key` in `map`, making the list when it is missing.
 * @template K, V
 * @param {Map<K, V[]>} map
 * @param {K} key
 * @param {Iterable<V>} items
 */
function append(map, key, items) {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  list.push(...items);
}

/** The tolerant kinds of one product (3 to 6 of the ladder), built on the first need. */
class Tolerance {
  /** @param {MessageMatcher} matcher */
  constructor(matcher) {
    const { messages, templates, tables, former } = matcher.data;
    /**
     * @param {string} text
     * @param {TableRow | undefined} row
     * @returns {Template}
     */
    const template = (text, row) => new Template(text, templates.get(text) ?? [normaliseMessage(text)], row);
    /** @type {Map<number, Template[]>} */
    this.current = new Map();
    /** @type {Map<number, Template[]>} */
    this.former = new Map();
    for (const [code, texts] of messages) {
      this.current.set(code, [...new Set(texts)].map((text) => template(text, undefined)));
    }
    for (const [code, texts] of former) {
      this.former.set(code, [...new Set(texts)].map((text) => template(text, undefined)));
    }
    for (const table of tables) {
      for (const code of table.codes) {
        append(this.current, code, table.rows.map((row) => template(row.message, row)));
        append(this.former, code, table.formerRows.map((row) => template(row.message, row)));
      }
    }
    /** @type {Map<string, Map<number, Template>> | undefined} */
    this.plain = undefined;
    /** @type {Array<[number, Template, string]> | undefined} */
    this.templatedCodes = undefined;
  }

  /**
   * @param {number} code
   * @param {string} key
   * @returns {MessageMatch | undefined}
   */
  match(code, key) {
    const folded = fold(key);
    const current = this.current.get(code) ?? [];
    let fit = normalised(current, key, folded);
    if (fit !== undefined) return result(code, fit, "normalised");
    fit = extended(current, key, folded);
    if (fit !== undefined) return result(code, fit, "extended");
    const former = this.former.get(code) ?? [];
    fit = exactOf(former, key) ?? normalised(former, key, folded) ?? extended(former, key, folded);
    if (fit !== undefined) return result(code, fit, "former");
    return this.otherCode(code, key, folded);
  }

  /**
   * Rule 6: documented for exactly one other code (rules 1 and 3 on its own messages).
   * @param {number} code
   * @param {string} key
   * @param {string} folded
   * @returns {MessageMatch | undefined}
   */
  otherCode(code, key, folded) {
    /** @type {Map<number, Fit>} */
    const found = new Map();
    for (const [other, template] of this.plainCodes().get(folded) ?? []) {
      found.set(other, new Fit(template, [], undefined, [0, key.length]));
    }
    for (const [other, template, needle] of this.templatedOfCodes()) {
      if (!folded.includes(needle) || found.has(other) || template.crowded(folded)) continue;
      const fit = exactOf([template], key) ?? normalised([template], key, folded);
      if (fit !== undefined) found.set(other, fit);
    }
    found.delete(code);
    if (found.size !== 1) return undefined;
    const [[other, fit]] = found;
    return new MessageMatch(code, fit.template.text, fit.params, undefined, "other_code", undefined, other);
  }

  /** @returns {Map<string, Map<number, Template>>} each plain documented message, folded */
  plainCodes() {
    if (this.plain === undefined) {
      /** @type {Map<string, Map<number, Template>>} */
      const plain = new Map();
      for (const [code, templates] of this.current) {
        for (const template of templates) {
          if (template.row !== undefined || template.templated) continue;
          const folded = template.foldedLiterals()[0];
          let byCode = plain.get(folded);
          if (byCode === undefined) plain.set(folded, (byCode = new Map()));
          if (!byCode.has(code)) byCode.set(code, template);
        }
      }
      this.plain = plain;
    }
    return this.plain;
  }

  /** @returns {Array<[number, Template, string]>} each code's own anchored templates, longest needle */
  templatedOfCodes() {
    if (this.templatedCodes === undefined) {
      /** @type {Array<[number, Template, string]>} */
      const templated = [];
      for (const [code, templates] of this.current) {
        for (const template of templates) {
          if (template.row !== undefined || !template.templated || template.anchor() < MIN_ANCHOR) {
            continue;
          }
          let needle = "";
          for (const part of template.foldedLiterals()) {
            const stripped = part.replace(/^ +| +$/g, "");
            if (length(stripped) > length(needle)) needle = stripped;
          }
          templated.push([code, template, needle]);
        }
      }
      this.templatedCodes = templated;
    }
    return this.templatedCodes;
  }
}

/**
 * @param {number} code
 * @param {Fit} fit
 * @param {Kind} kind
 * @returns {MessageMatch}
 */
function result(code, fit, kind) {
  const { template } = fit;
  return new MessageMatch(code, template.text, fit.params, template.row, kind, fit.detail, undefined);
}

/**
 * Rule 1 on these templates: equal in normalised form, or a full match of the pattern.
 * @param {Template[]} templates
 * @param {string} key
 * @returns {Fit | undefined}
 */
function exactOf(templates, key) {
  for (const template of templates) {
    if (!template.templated) {
      if (template.parts[0] === key) return new Fit(template, [], undefined, [0, key.length]);
      continue;
    }
    const instance = template.strict().exec(key);
    const params = instance === null ? undefined : template.values(instance.slice(1));
    if (params !== undefined) return new Fit(template, params, undefined, [0, key.length]);
  }
  return undefined;
}

/**
 * Rule 3: the whole message is one template, in folded form; a tie gives undefined.
 * @param {Template[]} templates
 * @param {string} key
 * @param {string} folded
 * @returns {Fit | undefined}
 */
function normalised(templates, key, folded) {
  /** @type {Fit[]} */
  const fits = [];
  for (const template of templates) {
    if (!template.templated) {
      if (template.foldedLiterals()[0] === folded) {
        fits.push(new Fit(template, [], undefined, [0, key.length]));
      }
      continue;
    }
    if (template.anchor() < MIN_ANCHOR || template.crowded(folded)) continue;
    const found = template.loose().exec(key);
    const params = found === null ? undefined : template.values(found.slice(2));
    if (params !== undefined) fits.push(new Fit(template, params, undefined, [0, key.length]));
  }
  return best(fits);
}

/**
 * Rule 4: the whole template, with server text before or after it, or inside it.
 * @param {Template[]} templates
 * @param {string} key
 * @param {string} folded
 * @returns {Fit | undefined}
 */
function extended(templates, key, folded) {
  const fit = around(templates, key, folded, false);
  if (fit !== undefined) return fit;
  for (const [start, end] of insertedGroups(key)) {
    const rest = normaliseMessage(key.slice(0, start) + " " + key.slice(end));
    const inside = around(templates, rest, fold(rest), true);
    if (inside !== undefined) {
      const extra = [key.slice(start, end), ...(inside.detail ? [inside.detail] : [])];
      return new Fit(inside.template, inside.params, extra.join(" "), inside.span);
    }
  }
  return undefined;
}

/**
 * @param {Template[]} templates
 * @param {string} key
 * @param {string} folded
 * @param {boolean} allowPlain
 * @returns {Fit | undefined}
 */
function around(templates, key, folded, allowPlain) {
  /** @type {Fit[]} */
  const fits = [];
  for (const template of templates) {
    if (template.anchor() < MIN_ANCHOR || template.crowded(folded)) continue;
    const fit = placed(template, key, allowPlain);
    if (fit !== undefined) fits.push(fit);
  }
  return best(fits, true);
}

/**
 * The template at its first start where it fits with text around it (rule 4).
 * @param {Template} template
 * @param {string} key
 * @param {boolean} allowPlain
 * @returns {Fit | undefined}
 */
function placed(template, key, allowPlain) {
  const pattern = template.looseAround();
  const placeholders = (template.parts.length - 1) / 2;
  for (const start of template.starts(key)) {
    pattern.lastIndex = start;
    const found = pattern.exec(key);
    if (found === null) continue;
    const end = template.hasTail() ? key.length - found[found.length - 1].length : key.length;
    if (!(start || end < key.length || allowPlain)) continue;
    if ((start && !delimited(key, start)) || (end < key.length && !delimited(key, end))) continue;
    const params = template.values(found.slice(2, placeholders + 2));
    if (params === undefined) continue;
    const pieces = [strip(key.slice(0, start)), strip(key.slice(end))].filter(Boolean);
    return new Fit(template, params, pieces.join(" ") || undefined, [start, end]);
  }
  return undefined;
}
