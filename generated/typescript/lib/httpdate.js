// An HTTP date (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`) as seconds since the epoch.
//
// A port of what the Python package calls, `email.utils.parsedate_to_datetime`
// (the `_parsedate_tz` of CPython's `email/_parseaddr.py`), so that both
// packages read the same dates alike, however odd: RFC 2822 and RFC 850
// forms, a missing or misplaced weekday, two-digit years, named zones. A date
// without a zone (or with -0000) says nothing, and neither does one that
// Python's `datetime` refuses (day 31 of a 30-day month, second 60, a zone
// of 24 hours or more). Numbers are read as Python's `int()` reads ASCII
// digits: surrounding whitespace, a sign, underscores between digits (Python
// also reads other scripts' decimal digits, which no server sends in a date).

import { collapse, startsWithDigit, strip } from "./text.js";

const MONTHS = [
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  "january", "february", "march", "april", "may", "june", "july",
  "august", "september", "october", "november", "december",
]; // prettier-ignore
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/** @type {Readonly<Record<string, number>>} */
const ZONES = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  AST: -400, ADT: -300, EST: -500, EDT: -400,
  CST: -600, CDT: -500, MST: -700, MDT: -600, PST: -800, PDT: -700,
}; // prettier-ignore
const INTEGER = /^[+-]?[0-9]+(?:_[0-9]+)*$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Python's `int(text)` for ASCII digits; undefined where it raises ValueError.
 * @param {string} text
 * @returns {number | undefined}
 */
function integer(text) {
  const stripped = strip(text);
  return INTEGER.test(stripped) ? Number(stripped.replaceAll("_", "")) : undefined;
}

/**
 * The date's fields and its zone offset in seconds (undefined: no zone), as `_parsedate_tz`.
 * @param {string} text
 * @returns {[number, number, number, number, number, number, number | undefined] | undefined}
 */
function parseDate(text) {
  /** @type {string[]} */
  let data = text ? collapse(text).split(" ").filter(Boolean) : [];
  if (!data.length) return undefined;
  if (data[0].endsWith(",") || DAYS.includes(data[0].toLowerCase())) {
    data.shift();
  } else {
    const comma = data[0].lastIndexOf(",");
    if (comma >= 0) data[0] = data[0].slice(comma + 1);
  }
  if (data.length === 3) {
    const stuff = data[0].split("-");
    if (stuff.length === 3) data = [...stuff, ...data.slice(1)];
  }
  if (data.length === 4) {
    const s = data[3];
    let sign = s.indexOf("+");
    if (sign === -1) sign = s.indexOf("-");
    if (sign > 0) data.splice(3, 1, s.slice(0, sign), s.slice(sign));
    else data.push("");
  }
  if (data.length < 5) return undefined;
  let [dd, mm, yy, tm, tz] = data.slice(0, 5);
  if (!(dd && mm && yy)) return undefined;
  mm = mm.toLowerCase();
  if (!MONTHS.includes(mm)) {
    [dd, mm] = [mm, dd.toLowerCase()];
    if (!MONTHS.includes(mm)) return undefined;
  }
  let month = MONTHS.indexOf(mm) + 1;
  if (month > 12) month -= 12;
  if (dd.endsWith(",")) dd = dd.slice(0, -1);
  if (yy.indexOf(":") > 0) [yy, tm] = [tm, yy];
  if (yy.endsWith(",")) {
    yy = yy.slice(0, -1);
    if (!yy) return undefined;
  }
  if (!startsWithDigit(yy)) [yy, tz] = [tz, yy];
  if (tm.endsWith(",")) tm = tm.slice(0, -1);
  let clock = tm.split(":");
  /** @type {string[]} */
  let hms;
  if (clock.length === 2) hms = [...clock, "0"];
  else if (clock.length === 3) hms = clock;
  else if (clock.length === 1 && clock[0].includes(".")) {
    clock = clock[0].split(".");
    if (clock.length === 2) hms = [...clock, "0"];
    else if (clock.length === 3) hms = clock;
    else return undefined;
  } else return undefined;
  const numbers = [yy, dd, ...hms].map(integer);
  if (numbers.some((number) => number === undefined)) return undefined;
  let [year, day, hour, minute, second] = /** @type {number[]} */ (numbers);
  if (year < 100) year += year > 68 ? 1900 : 2000;
  tz = tz.toUpperCase();
  /** @type {number | undefined} */
  let offset = Object.hasOwn(ZONES, tz) ? ZONES[tz] : integer(tz);
  if (offset === 0 && tz.startsWith("-")) offset = undefined;
  if (offset) {
    const sign = offset < 0 ? -1 : 1;
    const size = Math.abs(offset);
    offset = sign * (Math.floor(size / 100) * 3600 + (size % 100) * 60);
  }
  return [year, month, day, hour, minute, second, offset];
}

/**
 * Seconds since the epoch of an HTTP date with a zone; undefined for anything else.
 * @param {string} text
 * @returns {number | undefined}
 */
export function httpDateSeconds(text) {
  const parsed = parseDate(text);
  if (parsed === undefined) return undefined;
  const [year, month, day, hour, minute, second, offset] = parsed;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const valid =
    year >= 1 && year <= 9999 && day >= 1 && day <= MONTH_DAYS[month - 1] + (leap ? 1 : 0) &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59; // prettier-ignore
  if (!valid || offset === undefined || Math.abs(offset) >= 86400) return undefined;
  const moment = new Date(0);
  moment.setUTCFullYear(year, month - 1, day);
  moment.setUTCHours(hour, minute, second, 0);
  return moment.getTime() / 1000 - offset;
}
