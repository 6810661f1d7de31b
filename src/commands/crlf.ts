/**
 * nc -C as ncat does it: LF becomes CR LF unless a CR is already before it, so CR LF input is not
 * doubled. The state carries across chunks, as a CR may end one chunk and its LF begin the next.
 */
export class CrlfState {
  private lastWasCr = false;

  convert(chunk: Buffer): Buffer {
    let extra = 0;
    let prev = this.lastWasCr;
    for (const b of chunk) {
      if (b === 0x0a && !prev) extra++;
      prev = b === 0x0d;
    }
    if (extra === 0) {
      this.lastWasCr = prev;
      return chunk;
    }
    const out = Buffer.allocUnsafe(chunk.length + extra);
    let j = 0;
    prev = this.lastWasCr;
    for (const b of chunk) {
      if (b === 0x0a && !prev) out[j++] = 0x0d;
      out[j++] = b;
      prev = b === 0x0d;
    }
    this.lastWasCr = prev;
    return out;
  }
}
