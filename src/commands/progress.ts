import type { CallContext } from '../spec/command.js';

/** A transfer shows its progress line only once it has run this long, then at most this often. */
const SHOW_AFTER_MS = 1000;
const EVERY_MS = 200;

export interface Progress {
  /** For TransferOptions.onProgress. */
  readonly onProgress: (done: number, total: number | null) => void;
  /** The transfer has settled: take the line away if it was shown. */
  end(): void;
}

/**
 * The progress line of a long transfer: bytes so far (of the total when known), rate, and time left.
 * Nothing for a transfer shorter than about a second, nor in a background job, whose line would run
 * over the prompt. Adapters draw it on a terminal only (Output 'progress').
 */
export function transferProgress(ctx: CallContext): Progress {
  const began = performance.now();
  let shownAt = 0;
  let shown = false;
  return {
    onProgress(done, total) {
      const now = performance.now();
      if (ctx.job !== undefined || now - began < SHOW_AFTER_MS || now - shownAt < EVERY_MS) return;
      shownAt = now;
      shown = true;
      ctx.progress(progressLine(ctx.name, done, total, (now - began) / 1000));
    },
    end() {
      if (shown) ctx.progress(null);
    },
  };
}

/** `sendfile: 512.0 MiB of 1.00 GiB (50%), 1.42 GiB/s, 0.4 s left` */
export function progressLine(call: string, done: number, total: number | null, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  if (total === null || total === 0) return `${call}: ${size(done)}, ${size(rate)}/s`;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const eta = Number.isFinite(left) ? `, ${left < 10 ? left.toFixed(1) : Math.round(left)} s left` : '';
  return `${call}: ${size(done)} of ${size(total)} (${Math.floor((100 * done) / total)}%), ${size(rate)}/s${eta}`;
}

/** 812 B · 64.0 KiB · 512.0 MiB · 1.00 GiB */
export function size(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
