import assert from "node:assert/strict";
import { type Browser } from "playwright-core";
import { deployFlows } from "./admin-api";
import { editorNodes, importExample } from "./editor-actions";
import { openEditor } from "./editor-page";
import { useNodeRedInChromium } from "./editor-suite";
import type { NodeRedInstance } from "./node-red-process";

/**
 * The examples share one sip-account config node (same id, same settings). Importing a second
 * example, Node-RED 4 says some nodes already exist; "Import copy" then gives the new flow's nodes
 * new ids but keeps the existing config node of that id: one account, used by both flows.
 */
describe("Node-RED editor in Chromium: a second example reuses the account of the first (browser test)", function () {
  this.timeout(180_000);
  let red: NodeRedInstance | undefined;
  let browser: Browser | undefined;
  useNodeRedInChromium((r, b) => {
    red = r;
    browser = b;
  });

  it("imports http-triggered-call then rtmp-republish-on-demand with Import copy: one sip-account, used by both flows' nodes", async () => {
    assert.ok(browser && red);
    await deployFlows(red.url, []);
    const editor = await openEditor(browser, red.url);
    const page = editor.page;
    try {
      await importExample(page, "http-triggered-call.json");
      const first = (await editorNodes(page)).filter((n) => n.type === "sip-account");
      assert.equal(first.length, 1);

      // The second import stops at Node-RED's notice of nodes that already exist.
      await importExample(page, "rtmp-republish-on-demand.json");
      const notice = page.locator(".red-ui-notification").filter({ hasText: "Some of the nodes you are importing already exist in your workspace." });
      await notice.waitFor({ state: "visible", timeout: 10_000 });
      await notice.locator("button", { hasText: "Import copy" }).click();
      const area = await page.locator("#red-ui-workspace-chart").boundingBox();
      if (!area) throw new Error("no workspace");
      await page.mouse.move(area.x + 600, area.y + 500, { steps: 5 });
      await page.mouse.click(area.x + 600, area.y + 500);

      const nodes = await editorNodes(page);
      const accounts = nodes.filter((n) => n.type === "sip-account");
      assert.deepEqual(
        accounts.map((n) => n.id),
        first.map((n) => n.id),
        "still the one account of the first import",
      );
      const users = await page.evaluate(() => {
        const found: Array<{ type: string; account: unknown }> = [];
        (window as unknown as { RED: { nodes: { eachNode(cb: (n: { type: string; account?: unknown }) => void): void } } }).RED.nodes.eachNode((n) => {
          if ("account" in n && n.type !== "call-status") found.push({ type: n.type, account: n.account });
        });
        return found;
      });
      // http-triggered-call's sip-call and rtmp-republish-on-demand's call studio
      assert.ok(users.filter((u) => u.type === "sip-call").length >= 2, JSON.stringify(users));
      for (const u of users) assert.equal(u.account, first[0].id, JSON.stringify(u));
      assert.deepEqual(editor.problems, []);
    } finally {
      await editor.close();
    }
  });
});
