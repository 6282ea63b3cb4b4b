import assert from "node:assert/strict";
import { Engine } from "../../src/call/engine";
import { UdpPeer } from "./transport/loopback";

/** A response to `request` (its Via, From, To with a tag, Call-ID, CSeq) and `extra` header lines. */
function reply(request: string, status: string, extra: string[] = []): string {
  const lines = request.split("\r\n");
  const head = lines.filter((l) => /^(via|from|call-id|cseq):/i.test(l));
  const to = lines.filter((l) => /^to:/i.test(l)).map((l) => `${l};tag=reg`);
  return [`SIP/2.0 ${status}`, ...head, ...to, ...extra, "Content-Length: 0", "", ""].join("\r\n");
}

/** The next REGISTER the registrar gets within `ms` (retransmissions of one already seen skipped), or undefined. */
async function nextRegister(registrar: UdpPeer, seen: Set<string>, ms: number): Promise<{ text: string; port: number } | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return undefined;
    const got = await Promise.race([registrar.received.next(), new Promise<undefined>((r) => setTimeout(r, left))]);
    if (!got) return undefined;
    const branch = /branch=([^;\s]+)/.exec(got.text)?.[1] ?? "";
    if (got.text.startsWith("REGISTER ") && !seen.has(branch)) {
      seen.add(branch);
      return got;
    }
  }
}

/** A registration lost after it worked is sought again; a refusal of the credentials is not repeated (sip-endpoint.ts). */
describe("registering again after a lost registration (a registrar on loopback)", function () {
  this.timeout(20_000);
  let registrar: UdpPeer;
  let engine: Engine | undefined;

  beforeEach(async () => {
    registrar = await UdpPeer.open();
  });

  afterEach(async () => {
    await engine?.close(500);
    engine = undefined;
    await registrar.close();
  });

  it("a refresh answered 503: REGISTER again after 1 s; then a 403: no more REGISTERs", async () => {
    engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: registrar.port, password: "pw" }, localAddress: "127.0.0.1", requestTimeoutMs: 2000 });
    const statuses: string[] = [];
    engine.on("registration", (status) => statuses.push(status));
    const seen = new Set<string>();
    const starting = engine.start();
    const first = await nextRegister(registrar, seen, 3000);
    assert.ok(first);
    const contact = /^Contact: (.*)$/im.exec(first.text)?.[1].replace(/;expires=\d+/, "") ?? "";
    // The registrar grants 2 s: sip.js refreshes at 99 %, 1.98 s later.
    await registrar.send(reply(first.text, "200 OK", [`Contact: ${contact};expires=2`]), first.port);
    assert.ok((await starting).ok);

    const refresh = await nextRegister(registrar, seen, 4000);
    assert.ok(refresh, "the refresh");
    await registrar.send(reply(refresh.text, "503 Service Unavailable"), refresh.port);
    const failedAt = Date.now();
    const retry = await nextRegister(registrar, seen, 4000);
    assert.ok(retry, "a new REGISTER after the failed refresh");
    const waitedMs = Date.now() - failedAt;
    assert.ok(waitedMs >= 900 && waitedMs < 2500, `retried after ${waitedMs} ms`);
    await registrar.send(reply(retry.text, "403 Forbidden"), retry.port);
    assert.equal(await nextRegister(registrar, seen, 3500), undefined, "a 403 is final");
    assert.ok(statuses.includes("UNREGISTERED") && statuses[statuses.length - 1] === "FAILED", statuses.join(" → "));
    assert.equal(engine.registered, false);
  });
});
