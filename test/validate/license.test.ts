import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../harness/paths";
import { runCommand } from "../harness/run-command";

/** The Flow Library and npm show `license`; the LICENSE file beside it must be that license's text. */
describe("LICENSE", () => {
  it("is the full Apache License 2.0 text that package.json names, and npm packs it", async function () {
    this.timeout(60_000);
    const root = repoRoot();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { license: string; files: string[] };
    assert.equal(pkg.license, "Apache-2.0");
    const text = fs.readFileSync(path.join(root, "LICENSE"), "utf8");
    assert.match(text, /^\s+Apache License\n\s+Version 2\.0, January 2004\n\s+http:\/\/www\.apache\.org\/licenses\/\n/);
    const sections = ["Definitions", "Grant of Copyright License", "Grant of Patent License", "Redistribution", "Submission of Contributions", "Trademarks", "Disclaimer of Warranty", "Limitation of Liability", "Accepting Warranty or Additional Liability"];
    sections.forEach((title, i) => assert.match(text, new RegExp(`\\n\\s+${i + 1}\\. ${title}\\.`), `section ${i + 1}. ${title}`));
    assert.match(text, /END OF TERMS AND CONDITIONS/);
    // npm always packs LICENSE, whatever `files` lists: check the tarball list rather than trust that.
    const packed = await runCommand("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, env: process.env, timeoutMs: 50_000 });
    assert.equal(packed.code, 0, packed.stderr);
    const [listing] = JSON.parse(packed.stdout.toString("utf8")) as { files: { path: string }[] }[];
    assert.ok(listing.files.some((f) => f.path === "LICENSE"), "LICENSE is in the package");
  });
});
