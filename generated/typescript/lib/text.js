// Text as the Python package sees it: its whitespace, its stripping, its lengths.
//
// The two packages must give the same answer for the same message, so every
// rule that Python's str methods decide is written out here: which characters
// are whitespace (str.split(), str.strip()), what a digit is (str.isdigit()),
// and how long a text is (code points, not UTF-16 code units).

/**
 * The characters Python's `str.isspace()` is true for, as a regex class body.
 * Not JavaScript's `\s`: that lacks U+001C..U+001F and U+0085 and has U+FEFF.
 */
export const WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const RUNS = new RegExp(`[${WHITESPACE}]+`, "g");
const ENDS = new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, "g");
const EDGE_SPACES = /^ | $/g;
const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;
const HAS_SURROGATE = /[\ud800-\udfff]/;

/**
 * `" ".join(text.split())`: whitespace runs become one space, the ends go.
 * @param {string} text
 * @returns {string}
 */
export function collapse(text) {
  return text.replace(RUNS, " ").replace(EDGE_SPACES, "");
}

/**
 * `text.strip()`: without the whitespace at either end.
 * @param {string} text
 * @returns {string}
 */
export function strip(text) {
  return text.replace(ENDS, "");
}

/**
 * `text.rstrip(chars)`: without the characters of `chars` at the end.
 * @param {string} text
 * @param {string} chars single UTF-16 code units
 * @returns {string}
 */
export function rstrip(text, chars) {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * `text.lstrip(chars)`: without the characters of `chars` at the start.
 * @param {string} text
 * @param {string} chars single UTF-16 code units
 * @returns {string}
 */
export function lstrip(text, chars) {
  let start = 0;
  while (start < text.length && chars.includes(text[start])) start += 1;
  return start === 0 ? text : text.slice(start);
}

/**
 * `len(text)` in Python: code points, a pair of surrogates counting once.
 * @param {string} text
 * @returns {number}
 */
export function length(text) {
  if (!HAS_SURROGATE.test(text)) return text.length;
  const pairs = text.match(SURROGATE_PAIRS);
  return text.length - (pairs === null ? 0 : pairs.length);
}

/**
 * `haystack.count(needle)`: non-overlapping occurrences, left to right.
 * @param {string} haystack
 * @param {string} needle not empty
 * @returns {number}
 */
export function count(haystack, needle) {
  let found = 0;
  let at = haystack.indexOf(needle);
  while (at >= 0) {
    found += 1;
    at = haystack.indexOf(needle, at + needle.length);
  }
  return found;
}

/**
 * Characters Python's `str.isdigit()` is true for that are not decimal digits
 * (`\p{Nd}`): superscripts, subscripts, circled digits and the like.
 */
const OTHER_DIGITS =
  "\\u00b2\\u00b3\\u00b9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089" +
  "\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff" +
  "\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{10a40}-\\u{10a43}" +
  "\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}";
const DIGIT_FIRST = new RegExp(`^[\\p{Nd}${OTHER_DIGITS}]`, "u");

/**
 * `text[0].isdigit()` in Python, for a text that is not empty.
 * @param {string} text
 * @returns {boolean}
 */
export function startsWithDigit(text) {
  return DIGIT_FIRST.test(text);
}
