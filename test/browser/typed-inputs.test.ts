import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { repoRoot } from "../harness/paths";
import { editorNodes, importExample } from "./editor-actions";
import { dropFromPalette, openEditor, type EditorGlobals, type EditorPage } from "./editor-page";
import { useNodeRedInChromium } from "./editor-suite";
import type { NodeRedInstance } from "./node-red-process";

const TEXT_TYPES = ["str", "msg", "flow", "global", "env", "jsonata"];
const SECRET_TYPES = ["cred", "msg", "flow", "global", "env"];

/** The TypedInputs of each dialog and the types each offers, in menu order. */
const TYPED: Record<string, Record<string, string[]>> = {
  "sip-call": { callee: TEXT_TYPES, rtmpUrl: TEXT_TYPES, streamKey: SECRET_TYPES, recordPath: TEXT_TYPES, audioFile: TEXT_TYPES },
  "dtmf-send": { digits: ["str", "cred", "msg", "flow", "global", "env", "jsonata"] },
  "rtmp-republish": { rtmpUrl: TEXT_TYPES, streamKey: SECRET_TYPES },
  "call-status": {},
  "wcs-rest-api": {},
};

/** What each language's dialogs must say (a label of the dialog, and the credential type's label). */
const LANGUAGES = [
  { locale: "en-US", callee: "Callee", credential: "Stream key credential", pin: "PIN", typedEmpty: "Name the property, variable or expression" },
  { locale: "ru-RU", callee: "Кому звонить", credential: "Ключ потока (учётные данные)", pin: "PIN", typedEmpty: "Укажите имя свойства, переменной или выражение" },
];

function exampleFiles(): string[] {
  return fs.readdirSync(path.join(repoRoot(), "examples")).filter((f) => f.endsWith(".json"));
}

/** The types `#node-input-<field>`'s TypedInput offers, with their labels. */
function typedInputTypes(page: Page, field: string): Promise<Array<{ value: string; label: string }> | null> {
  return page.evaluate((field) => {
    const $ = (window as unknown as { $: (s: string) => { length: number; typedInput(m: string): { typeMap: Record<string, { label?: string }> } } }).$;
    const input = $(`#node-input-${field}`);
    if (input.length === 0 || !document.querySelector(`#node-input-${field} + .red-ui-typedInput-container`)) return null;
    const map = input.typedInput("instance").typeMap;
    return Object.keys(map).map((value) => ({ value, label: String(map[value].label ?? "") }));
  }, field);
}

/** Sets a TypedInput's type and value as a user would (the widget fires the change the editor validates on). */
async function setTyped(page: Page, field: string, type: string, value: string): Promise<void> {
  await page.evaluate(
    ({ field, type, value }) => {
      const $ = (window as unknown as { $: (s: string) => { typedInput(m: string, v?: string): unknown } }).$;
      $(`#node-input-${field}`).typedInput("type", type);
      $(`#node-input-${field}`).typedInput("value", value);
    },
    { field, type, value },
  );
}

/** Whether the editor marks the field invalid (the red border on the TypedInput or the input). */
function marked(page: Page, field: string): Promise<boolean> {
  return page.evaluate((field) => {
    const input = document.getElementById(`node-input-${field}`);
    const container = document.querySelector(`#node-input-${field} + .red-ui-typedInput-container`);
    return !!input?.classList.contains("input-error") || !!container?.classList.contains("input-error");
  }, field);
}

/** Properties of `type` that have no field in the open dialog. */
function missingFields(page: Page, type: string, prefix: string): Promise<string[]> {
  return page.evaluate(
    ({ type, prefix }) => {
      const def = (window as unknown as EditorGlobals).RED.nodes.getType(type);
      return [...Object.keys(def?.defaults ?? {}), ...Object.keys(def?.credentials ?? {})].filter((n) => document.getElementById(`${prefix}-${n}`) === null);
    },
    { type, prefix },
  );
}

/** Texts of the open dialog that are raw i18n keys. */
function untranslated(page: Page, form: string): Promise<string[]> {
  return page.evaluate((form) => {
    const texts: string[] = [];
    document.querySelectorAll(`${form} label, ${form} option, ${form} .form-tips, ${form} span`).forEach((e) => texts.push((e as HTMLElement).innerText));
    document.querySelectorAll(`${form} input[placeholder]`).forEach((e) => texts.push((e as HTMLInputElement).placeholder));
    return texts.filter((t) => /(^|\s)(sip-account|sip-call|dtmf-send|rtmp-republish|call-status|wcs-rest-api)\.[A-Za-z.]+/.test(t));
  }, form);
}

async function openDialog(page: Page, type: string, x: number, y: number): Promise<void> {
  const id = await dropFromPalette(page, type, x, y);
  await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id='${id}'] rect.red-ui-flow-node`).dblclick();
  await page.waitForSelector("#dialog-form", { state: "visible" });
}

async function closeDialog(page: Page): Promise<void> {
  await page.click("#node-dialog-cancel");
  await page.waitForSelector("#dialog-form", { state: "detached" });
}

describe("Node-RED editor in Chromium: TypedInputs, validation and examples in English and Russian (browser test)", function () {
  this.timeout(180_000);
  let red: NodeRedInstance | undefined;
  let browser: Browser | undefined;
  useNodeRedInChromium((r, b) => {
    red = r;
    browser = b;
  });

  for (const lang of LANGUAGES) {
    describe(`in ${lang.locale}`, () => {
      let editor: EditorPage;

      before(async () => {
        assert.ok(browser && red);
        editor = await openEditor(browser, red.url, { locale: lang.locale });
      });

      after(async () => {
        await editor?.close();
      });

      // A failed step leaves its dialog open, which would block the next test's drag from the palette.
      afterEach(async () => {
        for (const cancel of ["#node-config-dialog-cancel", "#node-dialog-cancel"]) {
          if (await editor.page.locator(cancel).isVisible()) await editor.page.click(cancel);
        }
      });

      it("every flow node's dialog has its TypedInputs with their types, every field, and no raw key", async () => {
        const { page, problems } = editor;
        let i = 0;
        for (const [type, fields] of Object.entries(TYPED)) {
          await openDialog(page, type, 250, 100 + 70 * i++);
          assert.deepEqual(await missingFields(page, type, "node-input"), [], type);
          assert.deepEqual(await untranslated(page, "#dialog-form"), [], type);
          for (const [field, types] of Object.entries(fields)) {
            const offered = await typedInputTypes(page, field);
            assert.ok(offered, `${type}.${field} is a TypedInput`);
            assert.deepEqual(
              offered.map((t) => t.value),
              types,
              `${type}.${field} types`,
            );
            const cred = offered.find((t) => t.value === "cred");
            if (cred) assert.equal(cred.label, type === "dtmf-send" ? lang.pin : lang.credential, `${type}.${field} credential label`);
          }
          await closeDialog(page);
        }
        assert.deepEqual(problems, []);
      });

      it("sip-call: typed text is checked, another type needs a name; the stream key credential row follows its type", async () => {
        const { page, problems } = editor;
        await openDialog(page, "sip-call", 600, 100);
        assert.ok((await page.locator("#dialog-form label").allInnerTexts()).some((l) => l.includes(lang.callee)));
        await setTyped(page, "callee", "str", "two words");
        assert.equal(await marked(page, "callee"), true, "a callee with a space");
        await setTyped(page, "callee", "env", "");
        assert.equal(await marked(page, "callee"), true, "an env callee without a variable name");
        await setTyped(page, "callee", "env", "MEETING_ROOM");
        assert.equal(await marked(page, "callee"), false, "an env callee");
        await setTyped(page, "rtmpUrl", "str", "http://127.0.0.1/live");
        assert.equal(await marked(page, "rtmpUrl"), true, "an http URL");
        await setTyped(page, "rtmpUrl", "str", "rtmps://127.0.0.1/live");
        assert.equal(await marked(page, "rtmpUrl"), false);
        assert.equal(await page.locator("#node-input-rtmpStream").isVisible(), true, "the credential row while the key is a credential");
        await setTyped(page, "streamKey", "env", "STREAM_KEY");
        assert.equal(await page.locator("#node-input-rtmpStream").isVisible(), false, "no credential row for an env key");
        await setTyped(page, "recordPath", "flow", "recording");
        assert.equal(await marked(page, "recordPath"), false);
        await page.locator("#node-input-rtpTimeout").fill("90000");
        await page.locator("#node-input-rtpTimeout").dispatchEvent("change");
        assert.equal(await marked(page, "rtpTimeout"), true, "an RTP timeout over a day");
        await closeDialog(page);
        // The validator's text is in the dialog's language.
        const message = await page.evaluate(() => {
          const def = (window as unknown as EditorGlobals).RED.nodes.getType("sip-call");
          const callee = def?.defaults?.callee as { validate(this: object, v: string, opt: object): unknown };
          return callee.validate.call({ calleeType: "env" }, "", {});
        });
        assert.equal(message, lang.typedEmpty);
        assert.deepEqual(problems, []);
      });

      it("dtmf-send: digits as text are checked; as PIN the credential field shows and the label keeps the digits out", async () => {
        const { page, problems } = editor;
        await openDialog(page, "dtmf-send", 600, 200);
        await setTyped(page, "digits", "str", "12x");
        assert.equal(await marked(page, "digits"), true);
        await setTyped(page, "digits", "str", "311705123#");
        assert.equal(await marked(page, "digits"), false);
        assert.equal(await page.locator("#node-input-pin").isVisible(), false);
        await setTyped(page, "digits", "cred", "");
        assert.equal(await page.locator("#node-input-pin").isVisible(), true, "the PIN field");
        assert.equal(await page.locator("#node-input-pin").getAttribute("type"), "password");
        await page.locator("#node-input-pin").fill("311705123#");
        await page.click("#node-dialog-ok");
        await page.waitForSelector("#dialog-form", { state: "detached" });
        const labels = await page.evaluate(() => {
          const out: string[] = [];
          (window as unknown as EditorGlobals).RED.nodes.eachNode((n) => {
            if (n.type === "dtmf-send") out.push(String(n.digitsType) + "|" + document.querySelector(`[id='${n.id}'] .red-ui-flow-node-label`)?.textContent);
          });
          return out;
        });
        assert.ok(labels.some((l) => l.startsWith("cred|")), labels.join(", "));
        for (const l of labels) assert.ok(!l.includes("311705123"), `a label shows the PIN: ${l}`);
        assert.deepEqual(problems, []);
      });

      it("rtmp-republish: the URL is checked as text; the credential row follows the stream key's type", async () => {
        const { page, problems } = editor;
        await openDialog(page, "rtmp-republish", 600, 300);
        await setTyped(page, "rtmpUrl", "str", "127.0.0.1/live");
        assert.equal(await marked(page, "rtmpUrl"), true);
        await setTyped(page, "rtmpUrl", "jsonata", "\"rtmp://\" & $env(\"CDN\")");
        assert.equal(await marked(page, "rtmpUrl"), false);
        assert.equal(await page.locator("#node-input-rtmpStream").isVisible(), true);
        await setTyped(page, "streamKey", "msg", "");
        assert.equal(await page.locator("#node-input-rtmpStream").isVisible(), false);
        assert.equal(await marked(page, "streamKey"), true, "a msg key without a property name");
        await closeDialog(page);
        assert.deepEqual(problems, []);
      });

      it("sip-account: every field, no raw key, the port checked", async () => {
        const { page, problems } = editor;
        await openDialog(page, "sip-call", 900, 100);
        await page.click("#node-input-btn-account-add");
        await page.waitForSelector("#node-config-dialog-edit-form", { state: "visible" });
        assert.deepEqual(await missingFields(page, "sip-account", "node-config-input"), []);
        assert.deepEqual(await untranslated(page, "#node-config-dialog-edit-form"), []);
        const port = page.locator("#node-config-input-port");
        await port.fill("70000");
        await port.dispatchEvent("change");
        assert.equal(await port.evaluate((e) => e.classList.contains("input-error")), true);
        await port.fill("5060");
        await port.dispatchEvent("change");
        assert.equal(await port.evaluate((e) => e.classList.contains("input-error")), false);
        await page.click("#node-config-dialog-cancel");
        await page.waitForSelector("#node-config-dialog-edit-form", { state: "detached" });
        await closeDialog(page);
        assert.deepEqual(problems, []);
      });

      it("imports every example from the Import menu with every node valid", async () => {
        const { page, problems } = editor;
        for (const example of exampleFiles()) {
          // An empty workspace first: the examples share their account node (same id).
          await page.evaluate(() => {
            const { RED } = window as unknown as { RED: { nodes: { clear(): void }; workspaces: { count(): number }; actions: { invoke(name: string): void } } };
            RED.nodes.clear();
            if (RED.workspaces.count() === 0) RED.actions.invoke("core:add-flow");
          });
          await page.waitForSelector("#red-ui-workspace-chart", { state: "visible" });
          await importExample(page, example);
          const imported = await editorNodes(page);
          assert.ok(imported.length > 1, `${example}: nodes imported`);
          const invalid = imported.filter((n) => n.valid === false).map((n) => `${n.type} ${n.id}: ${(n.validationErrors ?? []).join(", ")}`);
          assert.deepEqual(invalid, [], `${example}: nodes the editor marks as not properly configured`);
        }
        assert.deepEqual(problems, []);
      });
    });
  }
});
