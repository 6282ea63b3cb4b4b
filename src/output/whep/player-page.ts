/** Escapes text for HTML (element content and double-quoted attributes). */
function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The player page of a stream: plain HTML and JS, no framework, nothing loaded from elsewhere. It
 * plays `whepUrl` with the browser's RTCPeerConnection (recvonly audio + video, its ICE candidates
 * gathered into the offer, since the server takes no trickle), retries every 2 s while the stream is
 * not live (404), and ends its session (DELETE) when the page goes away.
 *
 * @remarks A bearer token can be given in the URL's fragment, `#token=…`, which browsers never send
 * to the server (so it does not reach access logs); with httpNodeAuth the browser's own Basic
 * credentials go along instead. Video starts muted (browsers allow autoplay only so); the button
 * turns the sound on. `window.sipcastPlayer` exposes the figures the page shows (for tests).
 */
export function playerPage(stream: string, whepUrl: string): string {
  const config = JSON.stringify({ stream, whepUrl }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(stream)} · sipcast</title>
<style>
body { margin: 0; background: #111; color: #eee; font: 14px system-ui, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 12px; }
video { width: 100%; background: #000; aspect-ratio: 16 / 9; }
#bar { display: flex; gap: 12px; align-items: center; padding: 8px 0; }
#status { flex: 1; }
</style>
</head>
<body>
<main>
<video id="video" autoplay playsinline muted></video>
<div id="bar"><span id="status">starting…</span><button id="sound" type="button">Sound on</button></div>
</main>
<script>
"use strict";
const config = ${config};
const video = document.getElementById("video");
const statusLine = document.getElementById("status");
const player = { state: "starting", postAt: undefined, answeredAt: undefined, firstFrameAt: undefined, framesDecoded: 0, error: undefined, location: undefined };
window.sipcastPlayer = player;
const token = new URLSearchParams(location.hash.slice(1)).get("token");
let pc;

function show(state, detail) {
  player.state = state;
  statusLine.textContent = config.stream + ": " + state + (detail ? " (" + detail + ")" : "");
}

function gathered(peer) {
  if (peer.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (peer.iceGatheringState === "complete") resolve(); };
    peer.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 2000);
  });
}

async function start() {
  pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const media = new MediaStream();
  pc.ontrack = (e) => { media.addTrack(e.track); video.srcObject = media; };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === "connected") show("playing");
    if (pc.connectionState === "failed" || pc.connectionState === "closed") { show("ended", pc.connectionState); retryLater(); }
  };
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  player.postAt = performance.now();
  const headers = { "Content-Type": "application/sdp" };
  if (token) headers.Authorization = "Bearer " + token;
  const res = await fetch(config.whepUrl, { method: "POST", headers, body: pc.localDescription.sdp });
  if (res.status !== 201) {
    const text = await res.text();
    pc.close();
    if (res.status === 404) { show("waiting for the call", "not live yet"); return retryLater(); }
    player.error = res.status + " " + text.trim();
    return show("refused", player.error);
  }
  player.location = new URL(res.headers.get("Location"), location.href).href;
  await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
  player.answeredAt = performance.now();
  show("connecting");
}

let retryTimer;
function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => start().catch(fail), 2000);
}

function fail(error) {
  player.error = String(error);
  show("error", player.error);
  retryLater();
}

function onFrame(now, meta) {
  player.framesDecoded = meta.presentedFrames;
  if (player.firstFrameAt === undefined) {
    player.firstFrameAt = now;
    statusLine.dataset.firstFrameMs = String(Math.round(now - player.postAt));
  }
  video.requestVideoFrameCallback(onFrame);
}
if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(onFrame);

document.getElementById("sound").addEventListener("click", () => { video.muted = !video.muted; video.play(); });
addEventListener("pagehide", () => {
  if (!player.location) return;
  const headers = token ? { Authorization: "Bearer " + token } : {};
  fetch(player.location, { method: "DELETE", headers, keepalive: true }).catch(() => undefined);
});
start().catch(fail);
</script>
</body>
</html>
`;
}
