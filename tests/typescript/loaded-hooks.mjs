// Module hooks (module.register) that report the URL of every module loaded to a
// port, and answer `null` to any message once the reports sent before it are out:
// loaded.mjs uses them to see which files an import really reads.

let port;

export function initialize(data) {
  port = data.port;
  port.on("message", () => port.postMessage(null));
  port.unref();
}

export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
