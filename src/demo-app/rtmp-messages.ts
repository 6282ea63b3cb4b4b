/** Messages between the demo's RTMP server process (rtmp-server-child.ts) and the launcher, over IPC. */

/** Launcher → child: the configuration (first message), then the stop request. */
export type ToRtmpChild = { type: "start"; rtmpPort: number; flvPort: number; storeDir: string } | { type: "stop" };

/** Child → launcher. */
export type FromRtmpChild = { type: "ready" } | { type: "failed"; message: string } | { type: "publish"; stream: string } | { type: "unpublish"; stream: string };
