/**
 * sockshell connect/listen's bulk path (issue 16): standard input to the connection and the connection
 * to standard output moved inside the kernel, as nc would wish to: sendfile(2) from a regular file,
 * splice(2) from and into pipes, and into a file or /dev/null through the addon's pipe
 * (native/sockshell.c, pump_fds). No byte enters the process, so there is no Node stream, buffer or
 * copy per chunk.
 *
 * The path moves bytes only while both directions are plain. Everything else is left to the engine's
 * own calls, which then meet it as they always do: the peer's FIN and a reset are read by Node once the
 * path gives the reading back (Stream.returnReading); a failed send is raised as sendall raises it;
 * trouble with standard input or output hands that direction to the ordinary pump (commands/pump.ts),
 * which reads and writes through Node and tells it. Bytes keep their order: the path takes the reading
 * only when Node holds nothing read, and sends only when Node holds nothing to write.
 */
import type { BaseSocket } from './base.js';
import { SocketError } from './errors.js';
import { CONNECTION_ERRORS } from './native-transfer.js';
import {
  FILE_ERROR,
  PUMP_INPUT_END,
  PUMP_LOOP,
  PUMP_MOVED,
  PUMP_OUTPUT_OFF,
  PUMP_SEND_FAILED,
  PUMP_SLICE,
  SLICE_MS,
  type NativeCalls,
} from './native.js';
import type { Stream } from './tcp-stream.js';
import type { BulkPath, BulkStep } from './types.js';

/** pump_fds's counts: bytes sent and received (doubles), then an errno (int32). */
const counts = Buffer.alloc(24);

/** The bulk path of one connection, or null when neither descriptor can take it (a terminal, a socket). */
export function bulkPath(
  owner: BaseSocket,
  conn: Stream,
  calls: NativeCalls,
  fds: { readonly input: number; readonly output: number },
): BulkPath | null {
  const inputKind = fds.input < 0 ? 0 : calls.fdkind(fds.input, 0);
  const outputKind = fds.output < 0 ? 0 : calls.fdkind(fds.output, 1);
  if (inputKind === 0 && outputKind === 0) return null;
  let reading = false;
  return {
    input: inputKind !== 0,
    output: outputKind !== 0,
    takeReading() {
      if (!reading && outputKind !== 0) reading = conn.lendReading();
      return reading;
    },
    canSend: () => inputKind !== 0 && conn.writableLength === 0,
    step(input, output) {
      const fd = conn.fd();
      const sending = input && inputKind !== 0;
      const receiving = output && reading;
      if (fd < 0 || (!sending && !receiving)) return { sent: 0, received: 0, event: 'quiet' };
      if (sending) {
        try {
          conn.checkWritable('sendall');
        } catch (e) {
          return { sent: 0, received: 0, event: 'send-failed', error: e as Error };
        }
      }
      const r = calls.pumpfds(fd, sending ? fds.input : -1, inputKind, receiving ? fds.output : -1, outputKind, SLICE_MS, counts);
      const sent = counts.readDoubleLE(0);
      const received = counts.readDoubleLE(8);
      const errno = counts.readInt32LE(16);
      owner.bytesSent += sent;
      owner.bytesReceived += received;
      const step = (event: BulkStep['event']): BulkStep => ({ sent, received, event });
      switch (r) {
        case PUMP_MOVED:
          return step('moved');
        case PUMP_SLICE:
          return step('quiet');
        case PUMP_LOOP:
          return step('loop');
        case PUMP_INPUT_END:
          return step('input-end');
        case PUMP_SEND_FAILED: {
          const code = calls.errname(-errno);
          if (!CONNECTION_ERRORS.has(code)) return step('input-off'); // the input's own error: the pump reads it and tells
          if (code === 'ECONNRESET') {
            // Told as the event loop's engine tells it, whose reading meets a reset first: recv raises the
            // reset (it ends the stream, status 1) and the send fails with EPIPE.
            conn.readFailed(calls, errno);
            return { sent, received, event: 'send-failed', error: new SocketError('EPIPE', 'sendall', { socket: owner.name }) };
          }
          try {
            conn.refused(code, 'sendall');
          } catch (e) {
            return { sent, received, event: 'send-failed', error: e as Error };
          }
          return step('input-off');
        }
        case PUMP_OUTPUT_OFF: {
          if (errno >= FILE_ERROR) {
            // The file refused a write (ENOSPC, EFBIG) with the move's bytes already taken from the socket,
            // some of them perhaps written: no later write can put the rest back in their place, and a
            // later write may well succeed (or never come, at the stream's end). The output ends here.
            reading = false;
            conn.returnReading(calls, 0);
            const code = calls.errname(FILE_ERROR - errno);
            return { sent, received, event: 'output-failed', error: Object.assign(new Error(`write ${code}`), { code, syscall: 'write' }) };
          }
          // A read error is the connection's (a reset the splice took from the kernel): told as Node's read
          // would tell it. EPIPE here is the output's (its reader left).
          const readError =
            errno > 0 && errno < FILE_ERROR && calls.errname(-errno) !== 'EPIPE' && CONNECTION_ERRORS.has(calls.errname(-errno));
          reading = false;
          conn.returnReading(calls, readError ? errno : 0);
          return step('output-off');
        }
        default:
          throw new Error(`sockshell: pumpfds said ${r}`);
      }
    },
  };
}
