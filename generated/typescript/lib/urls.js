// Which product's error codes a Binance URL answers with: `productForUrl`.
//
// A port of the Python package's `_urls.py`. Binance serves each API from its
// own hosts, and the SAPI paths of api.binance.com from several documentation
// pages: the margin paths use the margin page's list; every other SAPI path
// (wallet, sub-account, convert, ...) uses the list the wallet page and those
// pages share.

import { strip } from "./text.js";

/** @typedef {import("../products.js").ProductId} ProductId */

/** Spot REST and WebSocket API hosts (`/api`, `/sapi`, `/ws-api`). */
const SPOT_HOSTS = new Set([
  "api.binance.com",
  "api1.binance.com",
  "api2.binance.com",
  "api3.binance.com",
  "api4.binance.com",
  "api-gcp.binance.com",
  "data-api.binance.vision",
  "ws-api.binance.com",
]);

/** The Spot Test Network and demo trading (the same code list as the testnet page). */
const SPOT_TESTNET_HOSTS = new Set([
  "testnet.binance.vision",
  "ws-api.testnet.binance.vision",
  "demo-api.binance.com",
  "demo-ws-api.binance.com",
]);

/** Hosts that serve one product only. */
const FUTURES_HOSTS = new Map([
  ["fapi.binance.com", "usdm"],
  ["ws-fapi.binance.com", "usdm"],
  ["demo-fapi.binance.com", "usdm"],
  ["dapi.binance.com", "coinm"],
  ["ws-dapi.binance.com", "coinm"],
  ["demo-dapi.binance.com", "coinm"],
  ["eapi.binance.com", "options"],
  ["papi.binance.com", "portfolio_margin"],
]);

/** First path segment on the shared futures testnet host. */
const FUTURES_PATHS = new Map([
  ["fapi", "usdm"],
  ["ws-fapi", "usdm"],
  ["dapi", "coinm"],
  ["ws-dapi", "coinm"],
]);

const SHARED_FUTURES_HOSTS = new Set(["testnet.binancefuture.com"]);

/** SAPI path segments (after the version) documented on the margin trading page. */
const MARGIN_SAPI = new Set(["margin", "bnbBurn", "userDataStream", "userListenToken"]);

/**
 * The product whose error codes `url` answers with, or undefined for any other URL.
 *
 * `url` is a string or an object whose `String()` is one (a `URL`), with or without a
 * scheme. Hosts are compared without case and without a port; a path without a host says
 * nothing. Never throws.
 * @param {unknown} url
 * @returns {ProductId | undefined}
 */
export function productForUrl(url) {
  let text;
  try {
    text = url === null || url === undefined ? "" : strip(String(url));
  } catch {
    return undefined;
  }
  const [host, segments] = splitUrl(text);
  /** @type {string | undefined} */
  let product;
  if (FUTURES_HOSTS.has(host)) product = FUTURES_HOSTS.get(host);
  else if (SHARED_FUTURES_HOSTS.has(host)) product = segments.length ? FUTURES_PATHS.get(segments[0]) : undefined;
  else if (SPOT_TESTNET_HOSTS.has(host)) product = "spot_testnet";
  else product = SPOT_HOSTS.has(host) ? spotHostProduct(segments) : undefined;
  return /** @type {ProductId | undefined} */ (product);
}

/**
 * The lower-case host (no port, no credentials) and the path's non-empty segments.
 * @param {string} text
 * @returns {[string, string[]]}
 */
export function splitUrl(text) {
  let rest;
  if (text.includes("://")) rest = text.slice(text.indexOf("://") + 3);
  else if (text.startsWith("//")) rest = text.slice(2);
  else rest = text.startsWith("/") ? "" : text;
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? "" : rest.slice(slash + 1);
  const host = authority.slice(authority.lastIndexOf("@") + 1).split(":")[0].toLowerCase().replace(/\.+$/, "");
  path = path.split("?")[0].split("#")[0];
  return [host, path.split("/").filter(Boolean)];
}

/**
 * `spot` for `/api` and `/ws-api` paths; `margin` or `wallet` for `/sapi`.
 * @param {string[]} segments
 * @returns {string}
 */
function spotHostProduct(segments) {
  if (!segments.length) return "spot";
  if (segments[0] === "sapi") {
    const resource = segments.length > 2 ? segments[2] : "";
    return MARGIN_SAPI.has(resource) ? "margin" : "wallet";
  }
  if (segments[0] === "wapi") return "wallet";
  return "spot";
}
