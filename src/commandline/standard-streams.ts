/**
 * Standard output and error as a C program has them: a write that fails ends the program, and the
 * program's end waits for what it wrote. Node makes process.stdout and process.stderr on first use
 * (for a pipe or a terminal, a net.Socket, which loads Node's socket and stream modules); the guards
 * go on each when it is made, so a run that writes nothing makes neither.
 */
import { writeSync } from 'node:fs';

type Standard = 'stdout' | 'stderr';

/** Which of the two exist yet; made[name] is the stream itself. */
const made: { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {};

/** Plain words for the write errors standard output meets in practice. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'not open for writing',
};

/** Puts the guards on each standard stream, now if it exists, else when it is first made. Call once, first thing. */
export function guardStandardStreams(): void {
  whenMade('stdout', (stream) => {
    stream.on('error', (err) => writeFailed(stream, err));
    wholeWrites(stream, 1);
  });
  whenMade('stderr', (stream) => {
    stream.on('error', (err) => writeFailed(stream, err));
  });
}

/**
 * Ends with status, once what was written is out. A write that failed meanwhile decides instead: its
 * 'error' event may come after this (a file's stream reports it only as it is destroyed). Nothing
 * written (neither stream made), nothing to wait for.
 */
export function exitWhenFlushed(status: number): void {
  checkErrored();
  const out = made.stdout;
  if (out === undefined) process.exit(status);
  out.write('', () => {
    checkErrored();
    process.exit(status);
  });
}

/** A write error either stream has met ends the program as writeFailed says. */
function checkErrored(): void {
  for (const stream of [made.stdout, made.stderr]) if (stream?.errored) writeFailed(stream, stream.errored);
}

/**
 * Calls setup with process[name] when Node makes it: process's own getter is wrapped once, and the
 * stream it makes is kept in place of the getter. Where the getter cannot be wrapped (not Node's own
 * configurable getter), the stream is made now.
 */
function whenMade(name: Standard, setup: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const keep = (stream: NodeJS.WriteStream): NodeJS.WriteStream => {
    made[name] = stream;
    setup(stream);
    return stream;
  };
  if (own?.get === undefined || own.configurable !== true) {
    keep(process[name]);
    return;
  }
  const enumerable = own.enumerable ?? false;
  const nodeMakes = own;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable,
    get(): NodeJS.WriteStream {
      const stream = nodeMakes.get?.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, name, { configurable: true, enumerable, get: () => stream });
      return keep(stream);
    },
  });
}

/**
 * A write error on standard output ends the program at once, as it ends a C program: output that
 * cannot be written must not be lost with status 0, nor end in a stack trace. EPIPE (the reader went
 * away, as `| head -1` does) ends quietly with 141, the status a shell shows for a program that
 * SIGPIPE killed: cat and grep die of that signal; Node ignores it, so we do what the signal would.
 * Any other error (ENOSPC on /dev/full, EIO) is said in one line on stderr, with status 1. An error
 * on stderr itself ends the same way, with nothing more said.
 */
function writeFailed(stream: NodeJS.WriteStream, err: unknown): never {
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'EIO';
  if (code === 'EPIPE') process.exit(141);
  if (stream === made.stdout) {
    const words = WRITE_ERRORS[code];
    process.stderr.write(`sockshell: cannot write to standard output: ${code}${words ? ` (${words})` : ''}\n`);
  }
  process.exit(1);
}

/**
 * Node's stream for a standard output that is a file or a device (SyncWriteStream) takes a short
 * write(2) for a whole one: past a file size limit, or on a disk that fills partway, the rest of the
 * chunk was lost and the program ended 0. Here the rest is written, or the error that stops it is the
 * stream's error (told by writeFailed).
 */
function wholeWrites(stream: NodeJS.WriteStream, fd: number): void {
  if (stream.constructor.name !== 'SyncWriteStream') return;
  stream._write = (chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void => {
    try {
      for (let at = 0; at < chunk.length;) {
        const n = writeSync(fd, chunk, at);
        if (n <= 0) throw Object.assign(new Error('write wrote nothing'), { code: 'EIO' });
        at += n;
      }
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  };
}
