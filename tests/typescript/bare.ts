// Every entry point of the package, type-checked with the ECMAScript library alone
// (tsconfig.bare.json): its declarations must not need DOM or Node.js types.

import { BinanceAPIError, PRODUCTS, VERSION, productForUrl } from "binance-error-codes";
import * as coinm from "binance-error-codes/coinm";
import * as margin from "binance-error-codes/margin";
import * as options from "binance-error-codes/options";
import * as portfolioMargin from "binance-error-codes/portfolio_margin";
import * as spot from "binance-error-codes/spot";
import * as spotTestnet from "binance-error-codes/spot_testnet";
import * as usdm from "binance-error-codes/usdm";
import * as wallet from "binance-error-codes/wallet";

export const modules = [coinm, margin, options, portfolioMargin, spot, spotTestnet, usdm, wallet];
export const error: BinanceAPIError = BinanceAPIError.fromResponse(400, new Uint8Array(0));
export const facts: readonly [readonly string[], string, string | undefined] = [
  PRODUCTS,
  VERSION,
  productForUrl("https://fapi.binance.com/fapi/v1/order"),
];
