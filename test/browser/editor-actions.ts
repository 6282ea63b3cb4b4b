import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import type { EditorGlobals, EditorNode } from "./editor-page";

/** The package name: the examples' folder in the Import dialog. */
const MODULE = "node-red-contrib-sipcast";

/**
 * Imports `examples/<relPath>` the way a user does: menu → Import → Examples → this module → the
 * example (sub-folders are tree folders, the label is the file name without `.json`) → Import.
 */
export async function importExample(page: Page, relPath: string): Promise<void> {
  await page.click("#red-ui-header-button-sidemenu");
  await page.click("#menu-item-import");
  await page.click("a[href='#red-ui-clipboard-dialog-import-tab-examples']");
  const tree = "#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label";
  const steps = [MODULE, ...relPath.replace(/\.json$/, "").split("/")];
  for (const step of steps) {
    await page.locator(tree).filter({ hasText: new RegExp(`^${step.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).click();
  }
  await page.locator("#red-ui-clipboard-dialog-ok").click();
  await page.waitForSelector("#red-ui-clipboard-dialog-ok", { state: "hidden" });
  // The imported nodes now follow the mouse until a click drops them: drop them near the top-left.
  const area = await page.locator("#red-ui-workspace-chart").boundingBox();
  if (!area) throw new Error("no workspace");
  await page.mouse.move(area.x + 80, area.y + 60, { steps: 5 });
  await page.mouse.click(area.x + 80, area.y + 60);
}

/** Every node and config node in the editor. */
export function editorNodes(page: Page): Promise<EditorNode[]> {
  return page.evaluate(() => {
    const { RED } = window as unknown as EditorGlobals;
    const all: EditorNode[] = [];
    const copy = (n: EditorNode): void => {
      all.push({ id: n.id, type: n.type, z: n.z, x: n.x, y: n.y, valid: n.valid, validationErrors: n.validationErrors, status: n.status });
    };
    RED.nodes.eachNode(copy);
    RED.nodes.eachConfig(copy);
    return all;
  });
}

/**
 * Points every sip-account at 127.0.0.1 without registration, so deploying an example sends nothing
 * off this machine (the examples name pbx.example.com), as a user editing the account would.
 */
export function accountsToLoopback(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { RED } = window as unknown as EditorGlobals;
    let count = 0;
    RED.nodes.eachConfig((n) => {
      if (n.type !== "sip-account") return;
      n.domain = "127.0.0.1";
      n.outboundProxy = "";
      n.registerRequired = false;
      n.changed = true;
      n.dirty = true;
      count++;
    });
    RED.nodes.dirty(true);
    RED.view.redraw(true);
    return count;
  });
}

/** Clicks Deploy and waits until the editor has no undeployed changes; throws on an error notification. */
export async function deploy(page: Page): Promise<void> {
  await page.click("#red-ui-header-button-deploy");
  const outcome = await Promise.race([
    page.waitForFunction(() => !(window as unknown as EditorGlobals).RED.nodes.dirty(), undefined, { timeout: 30000 }).then(() => "deployed"),
    page.waitForSelector(".red-ui-notification-error", { timeout: 30000 }).then(async (e) => `error: ${await e.innerText()}`),
    // unknown, improperly configured or unused nodes: the editor asks before deploying
    page
      .waitForSelector(".red-ui-notification:has(#red-ui-deploy-dialog-confirm-deploy-deploy)", { timeout: 30000 })
      .then(async (e) => `confirmation asked: ${await e.innerText()}`),
  ]);
  if (outcome !== "deployed") throw new Error(`deploy did not go through: ${outcome}`);
}

/**
 * Screenshots the flow: the sidebar is hidden, the flow nudged off the canvas' top-left edge (the
 * import puts it flush there) and zoomed out until it fits, the selection cleared, and the picture
 * cropped to the nodes (with their status) plus a margin. Only the view changes, not the deployed flow.
 */
export async function screenshotFlow(page: Page, file: string): Promise<{ width: number; height: number }> {
  const margin = 30;
  await page.evaluate(() => (window as unknown as EditorGlobals).RED.actions.invoke("core:toggle-sidebar", false));
  const chart = page.locator("#red-ui-workspace-chart");
  const area = await chart.boundingBox();
  const first = await unionBox(page);
  if (!area || !first) throw new Error("the workspace shows no nodes");
  const dx = Math.max(0, area.x + margin - first.x);
  const dy = Math.max(0, area.y + margin - first.y);
  if (dx > 0 || dy > 0) {
    await page.evaluate(
      ({ dx, dy }) => {
        const { RED } = window as unknown as EditorGlobals;
        RED.nodes.eachNode((n) => {
          n.x = (n.x ?? 0) + dx;
          n.y = (n.y ?? 0) + dy;
          n.dirty = true;
        });
        RED.view.redraw(true);
      },
      { dx, dy },
    );
  }
  for (let zoomOuts = 0; zoomOuts < 4; zoomOuts++) {
    const box = await unionBox(page);
    if (!box || (box.x + box.width <= area.x + area.width && box.y + box.height <= area.y + area.height)) break;
    await page.evaluate(() => (window as unknown as EditorGlobals).RED.actions.invoke("core:zoom-out"));
  }
  // the import leaves its nodes selected
  await page.evaluate(() => (window as unknown as EditorGlobals).RED.actions.invoke("core:select-none"));
  const box = await unionBox(page);
  if (!box) throw new Error("the workspace shows no nodes");
  const x = Math.max(area.x, box.x - margin);
  const y = Math.max(area.y, box.y - margin);
  const clip = {
    x,
    y,
    width: Math.min(area.x + area.width, box.x + box.width + margin) - x,
    height: Math.min(area.y + area.height, box.y + box.height + margin) - y,
  };
  // the "Successfully deployed" toast would cover the top of the flow
  await page.addStyleTag({ content: "#red-ui-notifications { display: none !important; }" });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, clip });
  return { width: Math.round(clip.width), height: Math.round(clip.height) };
}

/** The screen rectangle around every node (and its status text) of the workspace. */
function unionBox(page: Page): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  return page.evaluate(() => {
    const rects = Array.from(document.querySelectorAll("#red-ui-workspace-chart g.red-ui-flow-node-group")).map((g) => g.getBoundingClientRect());
    if (rects.length === 0) return undefined;
    const left = Math.min(...rects.map((r) => r.left));
    const top = Math.min(...rects.map((r) => r.top));
    const right = Math.max(...rects.map((r) => r.right));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return { x: left, y: top, width: right - left, height: bottom - top };
  });
}
