import type { Page } from "playwright-core";

/**
 * Starts recording, in the page, the wall-clock time (ms, the machine's clock: performance.timeOrigin
 * + the frame's expected display time) of every dark → bright change of the `<video>`'s picture, as
 * requestVideoFrameCallback reports each frame shown. The flash-beep pattern flashes white once a second.
 */
export function recordFlashOnsets(page: Page, selector = "video"): Promise<void> {
  return page.evaluate((sel) => {
    const video = document.querySelector(sel) as HTMLVideoElement;
    const canvas = document.createElement("canvas");
    canvas.width = 16;
    canvas.height = 9;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    const onsets: number[] = [];
    (window as unknown as { flashOnsets: number[] }).flashOnsets = onsets;
    let bright = false;
    const onFrame = (_now: number, meta: { expectedDisplayTime: number }): void => {
      ctx.drawImage(video, 0, 0, 16, 9);
      const px = ctx.getImageData(0, 0, 16, 9).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += (px[i] + px[i + 1] + px[i + 2]) / 3;
      const luma = sum / (px.length / 4);
      const nowBright = luma > 200;
      if (nowBright && !bright) onsets.push(performance.timeOrigin + meta.expectedDisplayTime);
      bright = nowBright;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, selector);
}

export function flashOnsets(page: Page): Promise<number[]> {
  return page.evaluate(() => [...(window as unknown as { flashOnsets: number[] }).flashOnsets]);
}

/** For each source time, the first onset within [t − 50, t + 5000] ms, as a delay; sources without one are skipped. */
export function delaysMs(sources: readonly number[], onsets: readonly number[]): number[] {
  const out: number[] = [];
  for (const t of sources) {
    const f = onsets.find((o) => o >= t - 50 && o <= t + 5000);
    if (f !== undefined) out.push(f - t);
  }
  return out;
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
