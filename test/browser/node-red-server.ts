/**
 * A child-process entry point: Node-RED embedded the documented way (`RED.init(server, settings)`,
 * `RED.start()`) on 127.0.0.1 and a free port, with this package's nodes loaded from the repository
 * (`nodesDir` = the package folder, which Node-RED 4+ scans as a module: nodes, icons, examples).
 *
 *   node node-red-server.js <userDir> <packageDir>
 *
 * Prints one line `READY <port> <node-red version>` on stdout once the editor is served; stops
 * Node-RED (closing every node) on SIGTERM or SIGINT, then exits.
 *
 * @remarks It runs in its own process because node-red-node-test-helper loads the same Node-RED
 * runtime singleton inside the mocha process. The environment variable NODE_RED_PATH (a node-red
 * package folder) picks another Node-RED, e.g. version 5 under Node 22 (scripts/test-node-red-5.sh).
 */
import * as http from "node:http";
import * as path from "node:path";

/** The part of the `node-red` module this script uses. */
interface NodeRedModule {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Express applications: `(req, res, next)` request handlers. */
  httpAdmin: (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;
  httpNode: (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;
}

async function main(): Promise<void> {
  const [userDir, packageDir] = process.argv.slice(2);
  if (!userDir || !packageDir) throw new Error("usage: node-red-server <userDir> <packageDir>");
  const nodeRedDir = process.env.NODE_RED_PATH || path.dirname(require.resolve("node-red/package.json"));
  const RED = require(nodeRedDir) as NodeRedModule;
  // package.json rather than RED.version: 4.x appends "-git" whenever a .git folder is 4 levels up
  const version = (require(path.join(nodeRedDir, "package.json")) as { version: string }).version;

  // Both apps at "/", as Node-RED's own red.js mounts them: the admin app falls through to the node app.
  const server = http.createServer((req, res) => {
    RED.httpAdmin(req, res, () =>
      RED.httpNode(req, res, () => {
        res.statusCode = 404;
        res.end();
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  RED.init(server, {
    uiHost: "127.0.0.1",
    uiPort: port,
    httpAdminRoot: "/",
    httpNodeRoot: "/",
    userDir,
    nodesDir: [packageDir],
    flowFile: "flows.json",
    credentialSecret: "sipcast-browser-test",
    logging: { console: { level: "info", metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { palette: { allowInstall: false } },
  });
  await RED.start();

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void RED.stop()
      .catch((error: unknown) => process.stderr.write(`stop: ${String(error)}\n`))
      .finally(() => {
        server.closeAllConnections();
        server.close(() => process.exit(0));
      });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdout.write(`READY ${port} ${version}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`node-red-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
