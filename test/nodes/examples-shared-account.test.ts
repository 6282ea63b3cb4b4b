import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../harness/paths";
import type { FlowNode } from "./helpers/node-red-helper";

const examplesDir = path.join(repoRoot(), "examples");

/**
 * Every example that needs a SIP account carries the same config node (same id, same settings), so
 * importing a second example lets Node-RED reuse the account already imported ("Import copy" keeps
 * an existing config node of that id) instead of creating another that registers the same login.
 */
describe("nodes: the examples share one sip-account", () => {
  const withAccount = fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({ file, flow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), "utf8")) as FlowNode[] }))
    .filter(({ flow }) => flow.some((n) => n.type === "sip-account"));

  it("at least three examples have an account", () => {
    assert.ok(withAccount.length >= 3, withAccount.map((e) => e.file).join(", "));
  });

  it("every example has exactly one account, with the same id and identical properties, and says how it is shared", () => {
    const accounts = withAccount.map(({ file, flow }) => {
      const found = flow.filter((n) => n.type === "sip-account");
      assert.equal(found.length, 1, `${file}: one sip-account`);
      const comment = flow.find((n) => n.type === "comment");
      assert.match(String(comment?.info), /shared by every sipcast example[\s\S]*Import copy/, `${file}: the comment says how the account is shared`);
      for (const n of flow) if ("account" in n && n.type !== "sip-account") assert.equal(n.account, found[0].id, `${file}: ${n.type} ${n.id} uses the shared account`);
      return { file, account: found[0] };
    });
    for (const { file, account } of accounts.slice(1)) assert.deepEqual(account, accounts[0].account, `${file} and ${accounts[0].file}`);
  });
});
