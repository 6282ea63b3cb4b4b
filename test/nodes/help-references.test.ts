import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../harness/paths";

const TYPES = ["sip-account", "sip-call", "dtmf-send", "rtmp-republish", "call-status", "wcs-rest-api"] as const;
const TITLES = { "en-US": "References", ru: "Ссылки" } as const;
const WCS_SIP_CALLS = "https://docs.flashphoner.com/pages/viewpage.action?pageId=9242160";
const YOUTUBE_INGEST = "https://developers.google.com/youtube/v3/live/guides/rtmps-ingestion";
const FACEBOOK_LIVE = "https://developers.facebook.com/docs/live-video-api/overview";
const rfc = (n: number): string => `https://www.rfc-editor.org/rfc/rfc${n}`;

/** Links each node's help must list beside the WCS page, by what the node does. */
const EXPECTED: Record<(typeof TYPES)[number], string[]> = {
  "sip-account": [rfc(3261), rfc(4733), rfc(4568)],
  "sip-call": [rfc(3261), YOUTUBE_INGEST, FACEBOOK_LIVE],
  "dtmf-send": [rfc(4733), rfc(3261)],
  "rtmp-republish": [YOUTUBE_INGEST, FACEBOOK_LIVE],
  "call-status": [rfc(3261)],
  "wcs-rest-api": [],
};

describe("node help: References", () => {
  for (const lang of ["en-US", "ru"] as const) {
    for (const type of TYPES) {
      it(`${lang}/${type}.html ends with ${TITLES[lang]}: the WCS SIP-call page and the specifications it relies on`, () => {
        const html = fs.readFileSync(path.join(repoRoot(), "nodes", "locales", lang, `${type}.html`), "utf8");
        const at = html.indexOf(`<h3>${TITLES[lang]}</h3>`);
        assert.ok(at > 0, "has the section");
        const section = html.slice(at, html.indexOf("</script>", at));
        assert.ok(!section.slice(section.indexOf("</ul>") + 5).trim(), "the section is the last part of the help");
        const links = [...section.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
        for (const url of [WCS_SIP_CALLS, ...EXPECTED[type]]) assert.ok(links.includes(url), `${url} listed`);
        for (const url of links) assert.match(url, /^https:\/\//, "https links only");
      });
    }
  }
});
