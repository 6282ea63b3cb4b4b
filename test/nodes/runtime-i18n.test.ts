import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CallStatus } from "node-red-contrib-sipcast";
import { repoRoot } from "../harness/paths";
import { localizedError, NodeTextError, t, useRuntimeLanguage } from "../../src/nodes/shared/i18n";
import { MsgFieldError } from "../../src/nodes/shared/msg-fields";
import { registrationView } from "../../src/nodes/sip-account/registration-view";
import { republishView } from "../../src/nodes/rtmp-republish/republish-view";

type Catalog = { [key: string]: string | Catalog };

function runtimeCatalog(lang: string): Catalog {
  const file = path.join(repoRoot(), "nodes", "locales", lang, "sip-account.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { runtime: Catalog }).runtime;
}

/** Every key of a catalog section, dotted, with its text. */
function flatten(catalog: Catalog, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(catalog)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/**
 * The runtime text keys src/nodes uses: every string literal that starts with a section of the
 * runtime catalog (`"dtmf.sent"`, `"sipCall.noCallToPlay"`), and the `expect.*` key of every
 * MsgFieldError / SettingError (their second argument).
 */
function usedKeys(catalog: Catalog): Map<string, string> {
  const used = new Map<string, string>();
  const sections = Object.keys(catalog).filter((k) => typeof catalog[k] !== "string");
  const single = Object.keys(catalog).filter((k) => typeof catalog[k] === "string");
  const section = new RegExp(`"((?:${sections.join("|")})(?:\\.[A-Za-z0-9]+)+|${single.join("|")})"`, "g");
  const expectation = /(?:MsgFieldError|SettingError)\([^,]+,\s*"([A-Za-z]+)"/g;
  for (const file of sourceFiles(path.join(repoRoot(), "src", "nodes"))) {
    const text = fs.readFileSync(file, "utf8");
    const where = path.relative(repoRoot(), file);
    for (const m of text.matchAll(section)) used.set(m[1], where);
    for (const m of text.matchAll(expectation)) used.set(`expect.${m[1]}`, where);
  }
  return used;
}

describe("nodes: runtime texts (RED._ catalogs)", () => {
  const en = flatten(runtimeCatalog("en-US"));
  const ru = flatten(runtimeCatalog("ru"));

  it("every key src/nodes uses is in the en-US and the ru catalog", () => {
    const used = usedKeys(runtimeCatalog("en-US"));
    assert.ok(used.size >= 40, `only ${used.size} keys found: the scan is broken`);
    for (const [key, file] of used) {
      assert.ok(en.has(key), `${key} (${file}) is missing from nodes/locales/en-US/sip-account.json`);
      assert.ok(ru.has(key), `${key} (${file}) is missing from nodes/locales/ru/sip-account.json`);
    }
  });

  it("both catalogs have the same keys, each with the same __placeholders__", () => {
    assert.deepEqual([...ru.keys()].sort(), [...en.keys()].sort());
    const holes = (text: string): string[] => [...text.matchAll(/__([A-Za-z0-9]+)__/g)].map((m) => m[1]).sort();
    for (const [key, text] of en) assert.deepEqual(holes(ru.get(key) ?? ""), holes(text), key);
  });

  describe("with a runtime in Russian", () => {
    before(() => {
      // Node-RED's own i18next, set up as @node-red/util's i18n sets it up, with our catalogs as its resources.
      const utilDir = path.dirname(require.resolve("@node-red/util/package.json"));
      const i18next = require(require.resolve("i18next", { paths: [utilDir] })) as {
        createInstance(): { init(o: unknown): unknown; t(key: string, vars?: unknown): string };
      };
      const ns = "node-red-contrib-sipcast/sip-account";
      const load = (lang: string): unknown => JSON.parse(fs.readFileSync(path.join(repoRoot(), "nodes", "locales", lang, "sip-account.json"), "utf8"));
      const instance = i18next.createInstance();
      void instance.init({
        lng: "ru",
        showSupportNotice: false,
        fallbackLng: "en-US",
        initImmediate: false,
        ns: [ns],
        keySeparator: ".",
        nsSeparator: ":",
        interpolation: { prefix: "__", suffix: "__", escapeValue: false },
        resources: { ru: { [ns]: load("ru") }, "en-US": { [ns]: load("en-US") } },
      });
      useRuntimeLanguage({ _: (key: string, vars?: Record<string, string | number>) => instance.t(key, vars) });
    });

    after(() => useRuntimeLanguage({}));

    it("statuses and errors come out in Russian; call state names stay as msg.topic has them", () => {
      assert.equal(t("dtmf.sent", { digits: t("dtmf.keys", { count: 10 }) }), "отправлено клавиш: 10");
      assert.deepEqual(registrationView.registering(), { fill: "yellow", shape: "ring", text: "регистрация" });
      assert.equal(republishView({ status: "STOPPED" } as never, undefined, 0).text, "остановлено");
      const error = localizedError(new NodeTextError("call.noCall", { callId: "c1" }));
      assert.equal(error.message, "нет звонка c1");
      const field = localizedError(new MsgFieldError("rtmpRetries", "wholeNumber", "lots", { min: 0, max: 1000 }));
      assert.equal(field.message, 'msg.rtmpRetries: ожидается целое число от 0 до 1000, получено "lots"');
      assert.equal(CallStatus.ESTABLISHED, "ESTABLISHED");
    });
  });

  it("without a runtime catalog (node-red-node-test-helper's RED._ returns the key) the texts are English", () => {
    useRuntimeLanguage({ _: (key: string) => key });
    try {
      assert.equal(t("dtmf.sent", { digits: t("dtmf.keys", { count: 10 }) }), "sent 10 keys");
      assert.equal(localizedError(new NodeTextError("call.noCall", { callId: "c1" })).message, "no call c1");
    } finally {
      useRuntimeLanguage({});
    }
  });
});
