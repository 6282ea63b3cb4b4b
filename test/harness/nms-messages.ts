/** Messages between the RTMP test peer (nms-child.ts) and the test process, over IPC. */

/** Parent → child: the configuration (first message) and the stop request. */
export type ToNmsChild =
  | { type: "start"; rtmpPort: number; rtmpsPort?: number; key?: string; cert?: string; recordDir: string; storeDir: string }
  | { type: "stop" };

/** Child → parent. `at` is the child's Date.now() (same clock as the parent's). */
export type FromNmsChild =
  | { type: "ready"; at: number }
  | { type: "publish"; stream: string; at: number }
  | { type: "unpublish"; stream: string; at: number }
  | { type: "failed"; message: string };
