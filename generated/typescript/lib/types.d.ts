// The public types of binance-error-codes, shared by every product module.

/** How a message was recognised, strictest first (see the README, "Matching messages"). */
export type Kind = "exact" | "table" | "normalised" | "extended" | "former" | "other_code";

/** The one thing to do, from the least to the most drastic. */
export type Action = "retry" | "resync_and_retry" | "reconcile" | "fix_request" | "stop";

/** What kind of failure an error is (spec/annotations.yaml names and explains each). */
export type Category =
  | "server"
  | "rate_limit"
  | "blocked"
  | "timing"
  | "auth"
  | "request"
  | "filter"
  | "order_rejected"
  | "not_found"
  | "unsupported"
  | "session"
  | "account"
  | "no_change"
  | "unknown"
  | "invalid_payload"
  | (string & {});

/** One row of a message table: the message Binance sends, and what it means. */
export interface TableRow {
  readonly message: string;
  readonly description: string;
}

/** A table of messages several codes share (order rejections, filter failures). */
export interface MessageTable {
  readonly id: string;
  readonly title: string;
  /** The codes whose messages these rows are. */
  readonly codes: readonly number[];
  readonly rows: readonly TableRow[];
  /** Rows whose message the page's table used to have. */
  readonly formerRows: readonly TableRow[];
}

/** A wording the page used to give for a code, and the date it was last documented. */
export interface FormerMessage {
  readonly message: string;
  readonly lastSeen: string | undefined;
}

/** What a product documents about one code (`lookup(code)`). */
export interface ErrorInfo<Code extends number = number, Name extends string = string> {
  readonly code: Code;
  /** The code's name (its aliases and former names are in `ErrorCode` too). */
  readonly name: Name;
  /** The page section the code is listed under. */
  readonly section: string;
  /** The message templates documented for this code (its aliases' too), upstream order. */
  readonly messages: readonly string[];
  /** The page's prose about this code that describes rather than quotes a message. */
  readonly notes: readonly string[];
  /** Messages the page used to give. */
  readonly formerMessages: readonly FormerMessage[];
  /** The heading's free text, when the name was derived from it. */
  readonly title: string | undefined;
  /** Other names upstream lists this code under. */
  readonly aliases: readonly Name[];
  /** Names the code had before upstream renamed it. */
  readonly formerNames: readonly string[];
  /** The date the code was first seen upstream, when known. */
  readonly added: string | undefined;
  /** The date upstream stopped documenting the code. */
  readonly removed: string | undefined;
  /** Whether upstream no longer documents the code. */
  readonly deprecated: boolean;
  readonly category: Category;
  /** Whether the same request may succeed when sent again after a back-off. */
  readonly retryable: boolean;
  /** Whether the request may have taken effect: check before sending it again. */
  readonly executionUnknown: boolean;
  /** What to do for a request not known to be safe to repeat (see `advice`). */
  readonly action: Action;
}

/** Which documented message a runtime message is, how it was found, and the values in it. */
export interface MessageMatch {
  /** The code asked about. */
  readonly code: number;
  /** The message as documented. */
  readonly template: string;
  /** One string per placeholder, in order, as sent. */
  readonly params: readonly string[];
  readonly kind: Kind;
  /** The row, when the message came from a message table. */
  readonly tableRow: TableRow | undefined;
  /** The text the server sent beyond the documented message (`extended`, `former`). */
  readonly detail: string | undefined;
  /** For kind `other_code`, the code the page documents the message under. */
  readonly documentedCode: number | undefined;
}

/** What a code means for a caller, and what to do, with the reasons and their sources. */
export interface Annotation {
  readonly category: Category;
  readonly retryable: boolean;
  readonly executionUnknown: boolean;
  readonly action: Action;
  /** The reasons of the rules that decided this, most specific first. */
  readonly reasons: readonly string[];
  /** The Binance pages (URL and anchor) those rules cite. */
  readonly sources: readonly string[];
  /** The most specific reason: the first of `reasons` ("" when there is none). */
  readonly reason: string;
}

/** What `advice(code, options)` weighs besides the code. */
export interface AdviceOptions {
  /** The HTTP status of the response. */
  readonly httpStatus?: number | null;
  /** The error's message, or the body's text when it is not JSON. */
  readonly msg?: string;
  /** The request's method: an execution-unknown error is `retry` for GET, else `reconcile`. */
  readonly method?: string | null;
}

/** Response headers: a plain object, a `Headers`, a `Map`, or [name, value] pairs. */
export type HeadersInput =
  | Readonly<Record<string, unknown>>
  | Iterable<readonly [unknown, unknown]>
  | null
  | undefined;

/** A response body as received: text, bytes, an already parsed object, or nothing. */
export type ResponseBody = string | Uint8Array | ArrayBuffer | ArrayBufferView | object | null | undefined;
