"""The tooling of binance-error-codes: fetch, parse, spec, render. Never imported by consumers."""
