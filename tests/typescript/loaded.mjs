// Print, as JSON, the file URLs of the modules that importing process.argv[2] loads.
// Run as `node loaded.mjs <specifier>` from this folder (imports.test.mjs does).

import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
const loaded = [];
const done = new Promise((resolve) => {
  port1.on("message", (url) => (url === null ? resolve() : loaded.push(url)));
});
register("./loaded-hooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
await import(process.argv[2]);
port1.postMessage("flush");
await done;
port1.close();
console.log(JSON.stringify(loaded.filter((url) => url.startsWith("file:"))));
