// The npm package answers every conformance case as the Python package does.
//
// tests/conformance/cases.json holds the questions and the Python package's
// answers (scripts/conformance.py writes it; tests/test_conformance.py checks
// that Python still gives them). Here the npm package, imported as a consumer
// imports it, answers the same questions; any difference fails, with the
// first few listed. `node --test` prints the figures by case as diagnostics.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as pkg from "binance-error-codes";

const CASES = JSON.parse(
  readFileSync(new URL("../conformance/cases.json", import.meta.url), "utf8"),
);
const SHOWN = 10;

/** @param {unknown} value undefined as null, as JSON has it */
const nullable = (value) => (value === undefined ? null : value);

/** A MessageMatch as the row cases.json writes (see its "columns"). */
function matchRow(found) {
  if (found === undefined) return null;
  const row = found.tableRow;
  return [
    found.kind,
    found.template,
    [...found.params],
    nullable(found.detail),
    nullable(found.documentedCode),
    row === undefined ? null : [row.message, row.description],
  ];
}

/** An outcome of cases.json with its texts put back. */
function outcome(id) {
  const [category, retryable, unknown, action, reasons, sources] = CASES.outcomes[id];
  const text = (key) => CASES.strings[key];
  return [category, retryable, unknown, action, reasons.map(text), sources.map(text)];
}

/** An annotation as an outcome row. */
function outcomeRow(annotation) {
  const { category, retryable, executionUnknown, action, reasons, sources } = annotation;
  return [category, retryable, executionUnknown, action, [...reasons], [...sources]];
}

/** Counts of agreeing cases by case name, and the first disagreements. */
class Tally {
  constructor() {
    this.counts = new Map();
    this.failures = [];
  }

  record(name, agreed, describe) {
    const [ok, all] = this.counts.get(name) ?? [0, 0];
    this.counts.set(name, [ok + (agreed ? 1 : 0), all + 1]);
    if (!agreed && this.failures.length < SHOWN) this.failures.push(describe());
  }

  report(t, section) {
    let ok = 0;
    let all = 0;
    for (const [name, [agreed, total]] of [...this.counts].sort()) {
      t.diagnostic(`${section} ${name}: ${agreed}/${total} agree`);
      ok += agreed;
      all += total;
    }
    t.diagnostic(`${section}: ${ok}/${all} agree`);
    assert.ok(all > 0, `no ${section} cases`);
    assert.deepEqual(this.failures, [], `${all - ok} ${section} cases differ from Python`);
  }
}

/** Whether two answers are the same (deep, strict). */
function same(actual, expected) {
  try {
    assert.deepStrictEqual(actual, expected);
    return true;
  } catch {
    return false;
  }
}

test("match: every case gives Python's answer", (t) => {
  const tally = new Tally();
  for (const [name, product, code, msg, expected] of CASES.match) {
    let actual;
    try {
      actual = matchRow(pkg[product].match(code, msg));
    } catch (error) {
      actual = `threw ${error}`;
    }
    tally.record(name.split(":")[0], same(actual, expected), () => ({
      product, code, msg: String(msg).slice(0, 200), expected, actual,
    }));
  }
  tally.report(t, "match");
});

test("advice: every code, status and method gives Python's answer", (t) => {
  const tally = new Tally();
  for (const [name, product, code, msg, outcomes] of CASES.advice) {
    let index = 0;
    for (const status of CASES.statuses) {
      for (const method of CASES.methods) {
        const expected = outcome(outcomes[index]);
        index += 1;
        let actual;
        try {
          actual = outcomeRow(pkg[product].advice(code, { httpStatus: status, msg, method }));
        } catch (error) {
          actual = `threw ${error}`;
        }
        tally.record(name, same(actual, expected), () => ({
          product, code, msg, status, method, expected, actual,
        }));
      }
    }
  }
  tally.report(t, "advice");
});

/** A question's body as fromParts takes it. */
function bodyOf(body) {
  if (body === null) return null;
  if ("hex" in body) return Uint8Array.from(body.hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  return "text" in body ? body.text : body.object;
}

/** What fromParts makes of a question, as cases.json writes the answer. */
function responseAnswer(question) {
  let error;
  try {
    error = pkg.BinanceAPIError.fromParts(question.status, bodyOf(question.body), {
      headers: question.headers === null ? null : question.headers.pairs ?? question.headers.object,
      url: question.url,
      product: question.product,
      method: question.method,
      now: CASES.now,
    });
  } catch (thrown) {
    return { raises: thrown.constructor.name };
  }
  return {
    code: nullable(error.code),
    msg: error.msg,
    product: error.product,
    httpStatus: nullable(error.httpStatus),
    method: nullable(error.method),
    url: nullable(error.url),
    headers: { ...error.headers },
    retryAfter: nullable(error.retryAfter),
    payload: nullable(error.payload),
    problem: error.problem !== undefined,
    match: matchRow(error.match),
    advice: outcomeRow(error.annotation),
  };
}

test("responses: fromParts reads every response as Python does", (t) => {
  const tally = new Tally();
  for (const [name, question, expected] of CASES.responses) {
    const want = "advice" in expected ? { ...expected, advice: outcome(expected.advice) } : expected;
    const actual = responseAnswer(question);
    tally.record(name, same(actual, want), () => ({ question, expected: want, actual }));
  }
  tally.report(t, "responses");
});

test("urls: productForUrl names the product Python names", (t) => {
  const tally = new Tally();
  for (const [url, product] of CASES.urls) {
    const actual = nullable(pkg.productForUrl(url));
    tally.record("url", actual === product, () => ({ url, expected: product, actual }));
  }
  tally.report(t, "urls");
});
