import * as fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";

/** Debian's chromium (package `chromium`); playwright's own browser downloads do not work here. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags Debian chromium needs in a container (checked here): no sandbox, GPU, or background traffic. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Why the browser test cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found: install the Debian package "chromium" (apt-get install chromium)`;
}

/** An editor tab with everything that went wrong in it recorded. */
export interface EditorPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors, uncaught page errors, failed requests, and attempts to leave 127.0.0.1, in order. */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * Opens the Node-RED editor at `url` in a new context and waits until the palette holds `readyType`.
 * Requests to any host but 127.0.0.1 are aborted and recorded (the tests stay on loopback).
 */
export async function openEditor(
  browser: Browser,
  url: string,
  options: { locale?: string; readyType?: string; deviceScaleFactor?: number } = {},
): Promise<EditorPage> {
  const context = await browser.newContext({
    viewport: { width: 1920, height: 1080 },
    locale: options.locale ?? "en-US",
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
  });
  const problems: string[] = [];
  await context.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === "127.0.0.1" || target.protocol === "data:") return route.continue();
    problems.push(`request to ${target.origin} blocked`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  await page.goto(`${url}/`);
  const readyType = options.readyType ?? "sip-call";
  await page.waitForFunction(
    (type) => {
      const red = (window as unknown as { RED?: { nodes?: { getType?: (t: string) => unknown } } }).RED;
      return !!red?.nodes?.getType?.(type) && !!document.querySelector(`.red-ui-palette-node[data-palette-type='${type}']`);
    },
    readyType,
    { timeout: 60000 },
  );
  return { page, context, problems, close: () => context.close() };
}

/** Drags `type` from the palette onto the workspace; returns the new node's id. */
export async function dropFromPalette(page: Page, type: string, x: number, y: number): Promise<string> {
  const before = await nodeIds(page);
  await page.locator(`.red-ui-palette-node[data-palette-type='${type}']`).dragTo(page.locator("#red-ui-workspace-chart"), { targetPosition: { x, y } });
  const added = (await nodeIds(page)).filter((id) => !before.includes(id));
  if (added.length !== 1) throw new Error(`dragging ${type} from the palette added ${added.length} nodes`);
  return added[0];
}

/** Ids of every flow node in the editor. */
export function nodeIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const ids: string[] = [];
    (window as unknown as EditorGlobals).RED.nodes.eachNode((n) => {
      ids.push(n.id);
    });
    return ids;
  });
}

/** The slice of the editor's `RED` object that page functions use. */
export interface EditorGlobals {
  RED: {
    nodes: {
      eachNode(cb: (n: EditorNode) => void): void;
      eachConfig(cb: (n: EditorNode) => void): void;
      node(id: string): EditorNode | null;
      getType(type: string): { category?: string; defaults?: Record<string, unknown>; credentials?: Record<string, unknown> } | null;
      dirty(): boolean;
      dirty(d: boolean): void;
    };
    actions: { invoke(name: string, ...args: unknown[]): void };
    view: { redraw(full?: boolean): void };
  };
}

/** What the tests read of an editor node. */
export interface EditorNode {
  id: string;
  type: string;
  z?: string;
  x?: number;
  y?: number;
  valid?: boolean;
  validationErrors?: string[];
  status?: { fill?: string; shape?: string; text?: string };
  changed?: boolean;
  dirty?: boolean;
  [key: string]: unknown;
}
