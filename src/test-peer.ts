/**
 * `node-red-contrib-sipcast/test-peer`: the embedded loopback "test meeting" SIP peer (what `npm start`
 * calls instead of a real SIP account, and what end-to-end tests call when no SIP peer is installed),
 * kept out of the engine's main API.
 */
export * from "./demo";
