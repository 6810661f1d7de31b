/**
 * The raw Node pipe for the bulk measurement, written the way the docs show it (stream.pipe, default
 * chunk sizes):
 *   node node-bulk.mjs recv PORT OUT     accept one connection, pipe it into OUT, exit at its end
 *   node node-bulk.mjs send PORT FILE    connect, print "start", pipe FILE into the connection, exit when sent
 */
import { createReadStream, createWriteStream } from 'node:fs';
import net from 'node:net';

const [mode, portText, path] = process.argv.slice(2);
const port = Number(portText);

if (mode === 'recv') {
  const server = net.createServer((conn) => {
    server.close();
    conn.pipe(createWriteStream(path)).on('finish', () => process.exit(0));
  });
  server.listen(port, '127.0.0.1', () => console.log('The server is ready to receive'));
} else if (mode === 'send') {
  const conn = net.connect(port, '127.0.0.1', () => {
    console.log('start');
    createReadStream(path).pipe(conn);
  });
  conn.on('error', (err) => {
    process.stderr.write(`send: ${err.message}\n`);
    process.exit(1);
  });
} else {
  process.stderr.write('usage: node-bulk.mjs recv PORT OUT | send PORT FILE\n');
  process.exit(1);
}
