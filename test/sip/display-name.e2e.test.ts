import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { ConfigError, Engine } from "../../src";

/** A "callee" on 127.0.0.1 that keeps every SIP request it gets and never answers. */
async function capturingPeer(): Promise<{ port: number; nextInvite(timeoutMs: number): Promise<string>; stop(): Promise<void> }> {
  const socket = dgram.createSocket("udp4");
  const invites: string[] = [];
  socket.on("message", (m) => {
    const text = m.toString("utf8");
    if (text.startsWith("INVITE ")) invites.push(text);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    async nextInvite(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (invites.length === 0) {
        if (Date.now() > deadline) throw new Error("no INVITE arrived");
        await new Promise((r) => setTimeout(r, 20));
      }
      return invites.shift() as string;
    },
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The header lines of a SIP message (up to the blank line). */
function headerLines(message: string): string[] {
  return message.split("\r\n\r\n")[0].split("\r\n");
}

/**
 * What the engine writes on the wire for the account's display name: the INVITE is captured by a
 * UDP socket on 127.0.0.1 acting as the callee.
 */
describe("SIP: the display name cannot inject headers into the INVITE", function () {
  this.timeout(20_000);
  let peer: Awaited<ReturnType<typeof capturingPeer>>;
  const engines: Engine[] = [];

  before(async () => {
    peer = await capturingPeer();
  });
  after(async () => {
    await Promise.all(engines.map((e) => e.close(0)));
    await peer.stop();
  });

  async function inviteWith(displayName: string): Promise<string> {
    const engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: peer.port, registerRequired: false, displayName }, localAddress: "127.0.0.1" });
    engines.push(engine);
    engine.call({ callee: "uas", hasVideo: false });
    return peer.nextInvite(5000);
  }

  it('a name holding CR LF ("\\r\\nX-Injected: yes") is refused; nothing reaches the wire as a header of its own', async () => {
    const evil = "Mallory\r\nX-Injected: yes";
    let invite: string | undefined;
    try {
      invite = await inviteWith(evil);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /^displayName: must not contain CR, LF or NUL/);
    }
    if (invite !== undefined) {
      assert.deepEqual(headerLines(invite).filter((l) => /^X-Injected:/i.test(l)), [], `the INVITE carries an injected header:\n${invite}`);
      assert.fail("an account whose display name holds CR LF was accepted");
    }
  });

  it('quotes and backslashes go out as one RFC 3261 quoted-string: "Eve \\"the\\" \\\\ admin"', async () => {
    const invite = await inviteWith('Eve "the" \\ admin');
    const from = headerLines(invite).filter((l) => /^(From|f):/i.test(l));
    assert.equal(from.length, 1, invite);
    assert.match(from[0], /^From: "Eve \\"the\\" \\\\ admin" <sip:alice@127\.0\.0\.1[^>]*>;tag=/, from[0]);
  });
});
