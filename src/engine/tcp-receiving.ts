/**
 * A TCP socket's receiving calls: recv, recvfrom (Python's None as the address), the stream reads
 * (recvexactly, recvline, peek, ...) and recvfile. A call waits on the event loop and, on the native
 * fast path, in the addon too (Stream.waitInAddon). Each tells the 'returned' event of what it took.
 */
import type { Completion } from '../core/completion.js';
import { recvFile } from './file-transfer.js';
import { TcpSending } from './tcp-sending.js';
import type { Address, BlockOptions, RecvCall, StreamRead, StreamReadResult, TransferOptions } from './types.js';

const EMPTY = Buffer.alloc(0);

export abstract class TcpReceiving extends TcpSending {
  private waitInAddonMade: (() => void) | null = null;

  recv(bufsize: number, options: BlockOptions): Completion<Buffer> {
    return this.receive(bufsize, options, 'recv');
  }

  async recvfrom(bufsize: number, options: BlockOptions): Promise<{ data: Buffer; address: Address | null }> {
    const data = await this.receive(bufsize, options, 'recvfrom');
    return { data, address: null }; // Python returns None as the address of a TCP recvfrom
  }

  /** See Engine.readStream. peek takes nothing, so it tells no 'returned' event: the diagram shows what was taken. */
  readStream(read: StreamRead, options: BlockOptions): Promise<StreamReadResult> {
    const size = read.call === 'recvexactly' || read.call === 'peek' ? read.n : 1;
    const attempt = (): StreamReadResult | null => {
      const stream = this.connection(read.call, 'ENOTCONN');
      const got = stream.read(read);
      if (got?.kind === 'data' && read.call !== 'peek') {
        this.tellReturned(read.call, stream.local, stream.remote, got.data.length, got.data, got.data.length, null);
      }
      return got;
    };
    return Promise.resolve(this.receiveWith(read.call, size, options, attempt, null));
  }

  async recvfile(path: string, nbytes: number | null, options: TransferOptions): Promise<number> {
    const bytes = await recvFile(this, () => this.connection('recvfile', 'ENOTCONN'), path, nbytes, options);
    const { local, peer } = this.ends();
    this.tellReturned('recvfile', local, peer, null, EMPTY, bytes, path);
    return bytes;
  }

  /** As UDP's recvfrom: the call waits on the event loop, and in the addon too (Stream.waitInAddon; BaseSocket.waitWithAddon says when). */
  private receive(bufsize: number, options: BlockOptions, call: RecvCall): Completion<Buffer> {
    const attempt = (): Buffer | null => {
      const stream = this.connection(call, 'ENOTCONN');
      const data = stream.take(bufsize, call);
      if (data !== null) {
        const local = stream.local;
        const from = stream.remote;
        const bytes = data.length;
        this.tellReturned(call, local, from, bufsize, data, bytes, null);
      }
      return data;
    };
    return this.receiveWith(call, bufsize, options, attempt, this.waitInAddon);
  }

  private get waitInAddon(): () => void {
    return (this.waitInAddonMade ??= () => {
      const blocking = this.core.blocking;
      if (blocking !== null && this.stream !== null && !this.closed && blocking.allowed()) this.stream.waitInAddon(blocking);
    });
  }
}
