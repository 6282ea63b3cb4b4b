import { strict as assert } from "node:assert";
import { wcsNodeSettings, type WcsRestApiConfig } from "../../src/nodes/wcs-rest-api/wcs-node-settings";

const base: WcsRestApiConfig = { id: "w1", type: "wcs-rest-api", z: "f1", name: "" };

describe("nodes: wcs-rest-api settings (rtpSourceCheck)", () => {
  it("hands rtpSourceCheck to the engine; a flow saved before the field existed gets the strict default", () => {
    assert.equal(wcsNodeSettings({ ...base, rtpSourceCheck: "learn" }).api.engineOptions?.rtpSourceCheck, "learn");
    assert.equal(wcsNodeSettings({ ...base }).api.engineOptions?.rtpSourceCheck, "signalled");
    assert.equal(wcsNodeSettings({ ...base, rtpSourceCheck: "" }).api.engineOptions?.rtpSourceCheck, "signalled");
  });
});
