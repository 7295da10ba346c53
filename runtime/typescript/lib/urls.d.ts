import type { ProductId } from "../products.js";

/**
 * The product whose error codes `url` answers with, or undefined for any other URL.
 *
 * `url` is a string or an object whose `String()` is one (a `URL`), with or without a
 * scheme. Hosts are compared without case and without a port. Never throws.
 */
export declare function productForUrl(url: unknown): ProductId | undefined;
