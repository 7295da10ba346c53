import type { ProductId } from "../products.js";
import type { Action, Annotation, Category, HeadersInput, MessageMatch, ResponseBody } from "./types.js";

/** What `BinanceAPIError.fromResponse` is told besides the status and the body. */
export interface ResponseOptions {
  /** The response's headers (any case): the rate-limit headers and `Retry-After` are read. */
  readonly headers?: HeadersInput;
  /** The URL the request went to (a string or a `URL`): it says which product answered. */
  readonly url?: string | { readonly href: string } | null;
  /** The API that answered; else the URL says (`productForUrl`), else `spot`. */
  readonly product?: ProductId | null;
  /** The request's method: an error of unknown outcome is `retry` for GET, else `reconcile`. */
  readonly method?: string | null;
}

/** `fromParts` is also told what a client dropped, and when the response arrived. */
export interface PartsOptions extends ResponseOptions {
  /** The fields the client library dropped before the error was seen. */
  readonly incomplete?: readonly string[];
  /** When the response arrived, in seconds since the epoch (default: now). */
  readonly now?: number;
}

/** Everything a `BinanceAPIError` holds: what its constructor takes (the advice as `annotation`). */
export interface ErrorFields {
  readonly code: number | undefined;
  readonly msg: string;
  readonly product: ProductId;
  readonly match?: MessageMatch | undefined;
  /** The advice; without it, that of a payload without a usable code (`invalid_payload`). */
  readonly annotation?: Annotation | undefined;
  readonly httpStatus?: number | undefined;
  readonly payload?: Readonly<Record<string, unknown>> | undefined;
  readonly problem?: string | undefined;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers?: Readonly<Record<string, number>> | undefined;
  readonly retryAfter?: number | undefined;
  readonly incomplete?: readonly string[] | undefined;
}

/** An error Binance returned: what it means and what to do about it. */
export declare class BinanceAPIError extends Error {
  /**
   * The error for one HTTP (or WebSocket API) response, and what to do about it.
   *
   * `status` is the HTTP status (undefined or null when unknown: a WebSocket API
   * envelope's `status` stands in for it); `body` the body as received. Never throws
   * because of what the server sent. Throws RangeError for an unknown `product`, and
   * TypeError when `status` is not an integer, `method` not a string, or `headers`
   * neither a mapping nor pairs.
   */
  static fromResponse(
    status: number | null | undefined,
    body: ResponseBody,
    options?: ResponseOptions,
  ): BinanceAPIError;
  /** The error for a response body alone; the product defaults to `spot`. */
  static fromPayload(
    payload: ResponseBody,
    options?: { readonly product?: ProductId; readonly httpStatus?: number | null },
  ): BinanceAPIError;
  /** `fromResponse`, plus what a client library dropped and the time the response arrived. */
  static fromParts(
    status: number | null | undefined,
    body: ResponseBody,
    options?: PartsOptions,
  ): BinanceAPIError;

  /** An error made from its fields, as `fromParts` makes it (a test's stand-in, say). */
  constructor(fields: ErrorFields);

  readonly name: "BinanceAPIError";
  /** The payload's code; undefined when the body had no usable code. */
  readonly code: number | undefined;
  /** Binance's message ("" when it had none). */
  readonly msg: string;
  /** The API that answered. */
  readonly product: ProductId;
  /** Which documented message `msg` is, with the values Binance filled in. */
  readonly match: MessageMatch | undefined;
  readonly category: Category;
  /** Whether the same request may succeed when sent again later. */
  readonly retryable: boolean;
  /** Whether the request may have taken effect: check before sending it again. */
  readonly executionUnknown: boolean;
  /** The one thing to do. */
  readonly action: Action;
  /** The reasons of the rules that decided it, the deciding one first. */
  readonly reasons: readonly string[];
  /** The Binance pages those rules cite. */
  readonly sources: readonly string[];
  /** The deciding rule's reason. */
  readonly reason: string;
  /** The advice as one annotation. */
  readonly annotation: Annotation;
  readonly httpStatus: number | undefined;
  /** The request's method, in upper case. */
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The used-weight and order-count headers (`X-MBX-USED-WEIGHT-1M`, ...), as numbers. */
  readonly headers: Readonly<Record<string, number>>;
  /** Seconds to wait before sending again: `Retry-After`, or the end of an IP ban. */
  readonly retryAfter: number | undefined;
  /** The decoded JSON object (the whole envelope, for the WebSocket API). */
  readonly payload: Readonly<Record<string, unknown>> | undefined;
  /** What was wrong with the payload; undefined for a well-formed one. */
  readonly problem: string | undefined;
  /** The fields a client library dropped (`fromParts`). */
  readonly incomplete: readonly string[];
}
