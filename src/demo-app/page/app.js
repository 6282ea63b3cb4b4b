// The sipcast demo page: a client of the demo flow's HTTP endpoints (start, stop, DTMF, state) and of
// the launcher's /sipcast/digits; plays the call over WebRTC (WHEP, the call's toStream) by default,
// or from the embedded server's HTTP-FLV with mpegts.js, and shows the delay the browser measures.
// Plain browser JavaScript, served as it is (no build step).
"use strict";

(function () {
    var POLL_MS = 500;
    var SETUP = ["TRYING", "RING", "SESSION_PROGRESS"];
    var LIVE = ["ESTABLISHED", "HOLD"];
    var FAILED = ["FAILED", "BUSY"];

    var $ = function (id) { return document.getElementById(id); };
    var video = $("video");
    var config = null;
    var player = null;
    /** "webrtc" (WHEP) or "flv" (RTMP → HTTP-FLV): the page's choice of player. */
    var mode = "webrtc";
    var lastStatus = "IDLE";
    var establishedAt = null;
    var dtmfQueue = Promise.resolve();

    function say(text, isError) {
        var el = $("message");
        el.textContent = text || "";
        el.classList.toggle("error", Boolean(isError));
    }

    function request(method, url, body) {
        return fetch(url, {
            method: method,
            headers: body === undefined ? {} : { "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
            cache: "no-store"
        }).then(function (res) {
            return res.text().then(function (text) {
                var data = null;
                try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
                if (!res.ok) throw new Error((data && data.error) || ("HTTP " + res.status));
                return data;
            });
        });
    }

    // --- the player -------------------------------------------------------------------------------

    function startPlayer() {
        if (player) return;
        if (mode === "webrtc") startWebRtc(); else startFlv();
    }

    /** WHEP (RFC 9725): a recvonly offer with every ICE candidate, POSTed as application/sdp; the answer plays. */
    function startWebRtc() {
        var pc = new RTCPeerConnection();
        var session = { kind: "webrtc", pc: pc, location: null, closed: false };
        player = session;
        pc.addTransceiver("video", { direction: "recvonly" });
        pc.addTransceiver("audio", { direction: "recvonly" });
        var media = new MediaStream();
        pc.ontrack = function (e) { media.addTrack(e.track); video.srcObject = media; };
        function retry() {
            if (player !== session) return;
            stopPlayer();
            setTimeout(function () { if (LIVE.indexOf(lastStatus) >= 0) startPlayer(); }, 1000);
        }
        pc.onconnectionstatechange = function () { if (pc.connectionState === "failed") retry(); };
        pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); }).then(function () {
            return new Promise(function (resolve) {
                if (pc.iceGatheringState === "complete") return resolve();
                pc.addEventListener("icegatheringstatechange", function () { if (pc.iceGatheringState === "complete") resolve(); });
                setTimeout(resolve, 2000);
            });
        }).then(function () {
            if (session.closed) return null;
            return fetch(config.whepUrl, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: pc.localDescription.sdp, cache: "no-store" });
        }).then(function (res) {
            if (!res) return null;
            // Not live yet (the answer is a moment away): try again while the call lasts.
            if (res.status !== 201) return retry();
            session.location = res.headers.get("Location");
            return res.text().then(function (sdp) { if (!session.closed) return pc.setRemoteDescription({ type: "answer", sdp: sdp }); });
        }).catch(retry);
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay needs muted: it is */ });
        $("video-idle").hidden = true;
    }

    function startFlv() {
        if (!window.mpegts || !mpegts.getFeatureList().mseLivePlayback) return;
        player = mpegts.createPlayer(
            { type: "flv", isLive: true, url: config.flvUrl },
            { enableStashBuffer: false, liveBufferLatencyChasing: true, autoCleanupSourceBuffer: true }
        );
        player.attachMediaElement(video);
        player.on(mpegts.Events.ERROR, function () {
            // The publish starts a moment after the answer; try again while the call lasts.
            stopPlayer();
            setTimeout(function () { if (LIVE.indexOf(lastStatus) >= 0) startPlayer(); }, 1000);
        });
        player.load();
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay needs muted: it is */ });
        $("video-idle").hidden = true;
    }

    function stopPlayer() {
        if (!player) return;
        var p = player;
        player = null;
        if (p.kind === "webrtc") {
            p.closed = true;
            p.pc.close();
            video.srcObject = null;
            // Ends the viewer at once (else the server closes it when ICE times out).
            if (p.location) fetch(p.location, { method: "DELETE" }).catch(function () { /* the call is gone */ });
            return;
        }
        try { p.pause(); p.unload(); p.detachMediaElement(); p.destroy(); } catch (e) { /* already gone */ }
    }

    /**
     * The delay the browser itself measures, in ms: WebRTC's jitter buffer (getStats: jitterBufferDelay
     * per emitted frame, the time frames wait before decoding), or HTTP-FLV's buffered media ahead of
     * the playhead. Network and encoding come on top (both are short on a LAN).
     */
    var delayMs = null;
    function measureDelay() {
        if (!player) { delayMs = null; return; }
        if (player.kind === "webrtc") {
            player.pc.getStats().then(function (stats) {
                stats.forEach(function (r) {
                    if (r.type === "inbound-rtp" && r.kind === "video" && r.jitterBufferEmittedCount > 0) delayMs = Math.round((1000 * r.jitterBufferDelay) / r.jitterBufferEmittedCount);
                });
            });
        } else if (video.buffered.length > 0) {
            delayMs = Math.max(0, Math.round(1000 * (video.buffered.end(video.buffered.length - 1) - video.currentTime)));
        }
    }

    function showPlayback() {
        var el = $("playback");
        if (!player) {
            el.textContent = "no stream";
            el.classList.remove("live");
            $("video-idle").hidden = false;
            return;
        }
        var quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : { totalVideoFrames: 0 };
        var live = video.currentTime > 0 && !video.paused;
        el.textContent = live
            ? "playing · " + video.currentTime.toFixed(1) + " s · " + quality.totalVideoFrames + " frames" + (video.videoWidth ? " · " + video.videoWidth + "×" + video.videoHeight : "")
            : "connecting…";
        measureDelay();
        $("delay").textContent = live && delayMs !== null ? (mode === "webrtc" ? "WebRTC" : "HTTP-FLV") + " buffer " + delayMs + " ms" : "";
        $("delay").setAttribute("data-ms", live && delayMs !== null ? String(delayMs) : "");
        el.classList.toggle("live", live);
    }

    // --- the call ---------------------------------------------------------------------------------

    function badgeClass(status) {
        if (LIVE.indexOf(status) >= 0) return "badge badge-live";
        if (SETUP.indexOf(status) >= 0) return "badge badge-setup";
        if (FAILED.indexOf(status) >= 0) return "badge badge-failed";
        return "badge";
    }

    function clock(ms) {
        var s = Math.max(0, Math.floor(ms / 1000));
        var two = function (n) { return (n < 10 ? "0" : "") + n; };
        return two(Math.floor(s / 3600)) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
    }

    function showCall(call) {
        var status = (call && call.status) || "IDLE";
        var badge = $("state");
        badge.textContent = status;
        badge.className = badgeClass(status);
        badge.setAttribute("data-status", status);
        establishedAt = call && call.establishedAt !== undefined ? call.establishedAt : null;
        var live = LIVE.indexOf(status) >= 0;
        if (live && establishedAt !== null) {
            $("duration").textContent = clock(Date.now() - establishedAt);
        } else if (call && call.duration !== undefined) {
            $("duration").textContent = clock(call.duration);
        } else {
            $("duration").textContent = "";
        }
        $("sip").textContent = call && call.sipStatus ? call.sipStatus + " " + (call.sipMessage || "") + (call.reason ? " · " + call.reason : "") : "—";
        $("start").disabled = live || SETUP.indexOf(status) >= 0;
        $("stop").disabled = !(live || SETUP.indexOf(status) >= 0);
        if (live) startPlayer(); else stopPlayer();
        lastStatus = status;
    }

    function pollState() {
        request("GET", config.api.state).then(showCall, function (e) { say("state: " + e.message, true); })
            .then(function () { setTimeout(pollState, POLL_MS); });
    }

    function pollDigits() {
        request("GET", "digits").then(function (data) {
            var digits = (data && data.digits) || [];
            $("digits").textContent = digits.length ? digits.slice(-40).join(" ") : "—";
        }, function () { /* the launcher is stopping */ }).then(function () { setTimeout(pollDigits, POLL_MS); });
    }

    // --- DTMF -------------------------------------------------------------------------------------

    function sendDigits(digits) {
        digits = String(digits).replace(/\s+/g, "");
        if (!digits) return;
        // One request at a time: the flow sends each batch as a whole, in order.
        dtmfQueue = dtmfQueue.then(function () {
            say("sending " + digits + "…");
            return request("POST", config.api.dtmf, { digits: digits }).then(
                function (data) { say("sent " + ((data && data.sent) || digits)); },
                function (e) { say("DTMF: " + e.message, true); }
            );
        });
    }

    // --- wiring -----------------------------------------------------------------------------------

    function wire() {
        $("start").addEventListener("click", function () {
            say("calling " + config.callee + "…");
            request("POST", config.api.start, {}).then(
                function () { say("call placed"); },
                function (e) { say("start: " + e.message, true); }
            );
        });
        $("stop").addEventListener("click", function () {
            request("POST", config.api.stop, {}).then(
                function () { say("hung up"); },
                function (e) { say("stop: " + e.message, true); }
            );
        });
        Array.prototype.forEach.call(document.querySelectorAll("#keypad button"), function (button) {
            button.addEventListener("click", function () { sendDigits(button.getAttribute("data-key")); });
        });
        $("player-kind").addEventListener("change", function () {
            mode = $("player-kind").value === "flv" ? "flv" : "webrtc";
            $("flv-url").textContent = mode === "flv" ? config.flvUrl : config.whepUrl;
            stopPlayer();
            if (LIVE.indexOf(lastStatus) >= 0) startPlayer();
        });
        if (config.ivrPlan) {
            // The test meeting speaks its prompts: this plan waits for each one instead of a fixed delay.
            $("ivr-join").hidden = false;
            $("ivr-join").addEventListener("click", function () { sendDigits(config.ivrPlan); });
        }
        $("dtmf-form").addEventListener("submit", function (event) {
            event.preventDefault();
            sendDigits($("dtmf-input").value);
            $("dtmf-input").value = "";
        });
        setInterval(function () {
            showPlayback();
            if (LIVE.indexOf(lastStatus) >= 0 && establishedAt !== null) $("duration").textContent = clock(Date.now() - establishedAt);
        }, 250);
    }

    fetch("config.json", { cache: "no-store" }).then(function (res) { return res.json(); }).then(function (c) {
        config = c;
        $("flv-url").textContent = c.whepUrl;
        $("callee").textContent = c.callee;
        $("rtmp-url").textContent = c.rtmpUrl;
        $("copy-url").textContent = c.republishTarget;
        $("rest-api").textContent = c.restApi;
        if (!c.embeddedPeer) $("heard-title").textContent = "Digits heard (embedded test meeting only)";
        wire();
        pollState();
        pollDigits();
    }, function (e) { say("cannot load the demo settings: " + e.message, true); });
})();
