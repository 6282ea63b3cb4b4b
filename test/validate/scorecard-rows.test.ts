import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatScorecard, NODE_RED_DEV_CHECKS, packageContentChecks, scorecardRows } from "../../scripts/validate";

/** The verdict logic of scripts/validate.ts on hand-made inputs (no node-red-dev run). */
describe("scorecard verdicts", function () {
  it("counts a check node-red-dev did not write as failed, and keeps its details", function () {
    const rows = scorecardRows({ P01: { test: true, license: "MIT" }, P03: { test: false }, D01: { test: true, total: 3 } });
    assert.equal(rows.length, NODE_RED_DEV_CHECKS.length);
    assert.deepEqual(rows.find((r) => r.id === "P01"), { id: "P01", title: NODE_RED_DEV_CHECKS[0][1], passed: true, details: '{"license":"MIT"}' });
    assert.equal(rows.find((r) => r.id === "P03")?.passed, false);
    const n02 = rows.find((r) => r.id === "N02");
    assert.equal(n02?.passed, false);
    assert.match(n02?.details ?? "", /^not run/);
    assert.equal(rows.find((r) => r.id === "D01")?.details, '{"total":3}');
  });

  it("treats a truthy but non-boolean test as failed", function () {
    const rows = scorecardRows({ P01: { test: "yes" } });
    assert.equal(rows.find((r) => r.id === "P01")?.passed, false);
  });

  describe("package contents", function () {
    let dir: string;
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };

    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-scorecard-"));
      write("package.json", JSON.stringify({ name: "x", "node-red": { nodes: { "a-node": "nodes/a-node.js" } } }));
      write("nodes/a-node.js", "");
      write("nodes/a-node.html", `<script type="text/javascript">RED.nodes.registerType('a-node', { icon: "a.svg" });</script>`);
      write("nodes/icons/a.svg", "<svg/>");
      for (const l of ["en-US", "ru"]) {
        write(`nodes/locales/${l}/a-node.json`, "{}");
        write(`nodes/locales/${l}/a-node.html`, "");
      }
      write("examples/ok.json", JSON.stringify([{ type: "a-node", id: "1" }, { type: "sip-account", id: "2", login: "u", password: "" }]));
    });

    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("passes a complete package", function () {
      const rows = packageContentChecks(dir);
      assert.deepEqual(rows.map((r) => [r.id, r.passed, r.details]), [
        ["S01", true, "1 nodes"],
        ["S02", true, "1 icons"],
        ["S03", true, "1 examples"],
      ]);
    });

    it("names a missing Russian help file and a missing icon", function () {
      fs.rmSync(path.join(dir, "nodes/locales/ru/a-node.html"));
      fs.rmSync(path.join(dir, "nodes/icons/a.svg"));
      const [s01, s02] = packageContentChecks(dir, null);
      assert.equal(s01.passed, false);
      assert.equal(s01.details, "missing: nodes/locales/ru/a-node.html");
      assert.equal(s02.passed, false);
      assert.equal(s02.details, "missing: nodes/icons/a.svg");
    });

    it("accepts an icon of Node-RED's core nodes by its bare name", function () {
      fs.rmSync(path.join(dir, "nodes/icons/a.svg"));
      const core = path.join(dir, "core-icons");
      fs.mkdirSync(core);
      fs.writeFileSync(path.join(core, "a.svg"), "<svg/>");
      const s02 = packageContentChecks(dir, core)[1];
      assert.equal(s02.passed, true, s02.details);
    });

    it("fails an example that carries a password, a stream key or credentials", function () {
      write("examples/sub/leak.json", JSON.stringify([
        { type: "sip-account", id: "2", password: "hunter2" },
        { type: "sip-call", id: "3", rtmpStream: "key-123" },
        { type: "rtmp-republish", id: "4", credentials: { rtmpStream: "key" } },
      ]));
      const s03 = packageContentChecks(dir)[2];
      assert.equal(s03.passed, false);
      assert.equal(
        s03.details,
        "examples/sub/leak.json: sip-account.password is set; examples/sub/leak.json: sip-call.rtmpStream is set; examples/sub/leak.json: rtmp-republish has credentials",
      );
    });

    it("formats a table that lists every check and the failures", function () {
      fs.rmSync(path.join(dir, "examples"), { recursive: true });
      const checks = packageContentChecks(dir);
      const text = formatScorecard({ packageName: "x", version: "1.0.0", tarball: "/t/x-1.0.0.tgz", checks, passed: false, log: "" });
      assert.equal(
        text,
        [
          "scorecard of x@1.0.0 (x-1.0.0.tgz)",
          `  PASS  S01  ${checks[0].title}  — 1 nodes`,
          `  PASS  S02  ${checks[1].title}  — 1 icons`,
          `  FAIL  S03  ${checks[2].title}  — no examples/**/*.json`,
          "  1 of 3 checks fail: S03",
        ].join("\n"),
      );
    });
  });
});
