/**
 * Raw Node peers for connections per second, the textbook TCPServer's shape with nothing on top:
 *   node node-conn.mjs server PORT          accept, read one message, send it upper-cased, close
 *   node node-conn.mjs client PORT COUNT [WARMUP]   COUNT sequential clients: connect, send, recv, close,
 *                                           after WARMUP (default 1); prints "start", "done" and
 *                                           "latency P50 P99 MAX" (ms)
 * Waits are bounded: a client that gets no reply within 5 s ends the run with status 1.
 */
import net from 'node:net';

const [mode, portText, countText, warmupText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText ?? 0);
const warmup = Math.max(1, Number(warmupText ?? 1));
const fail = (why) => {
  process.stderr.write(`${mode}: ${why}\n`);
  process.exit(1);
};

if (mode === 'server') {
  // listen(1), as TCPServer.py; each connection: one recv, one send, close.
  const server = net.createServer((conn) => {
    conn.once('data', (sentence) => {
      conn.end(Buffer.from(sentence.toString('utf8').toUpperCase(), 'utf8'));
    });
    conn.on('error', () => conn.destroy());
  });
  server.listen({ port, backlog: 1 }, () => console.log('The server is ready to receive'));
} else if (mode === 'client') {
  const latencies = [];
  const once = () =>
    new Promise((resolve, reject) => {
      const began = performance.now();
      const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5000);
      const socket = net.connect(port, '127.0.0.1', () => socket.write('hello sockshell'));
      socket.once('data', (reply) => {
        clearTimeout(timer);
        if (reply.toString() !== 'HELLO SOCKSHELL') reject(new Error(`unexpected reply ${reply}`));
        socket.destroy();
        latencies.push(performance.now() - began);
        resolve();
      });
      socket.on('error', reject);
    });
  for (let i = 0; i < warmup; i++) await once().catch((err) => fail(err.message));
  latencies.length = 0;
  console.log('start');
  for (let i = 0; i < count; i++) await once().catch((err) => fail(err.message));
  console.log('done');
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)].toFixed(3);
  console.log(`latency ${at(0.5)} ${at(0.99)} ${at(1)}`);
} else {
  fail('usage: node-conn.mjs server|client PORT [COUNT [WARMUP]]');
}
