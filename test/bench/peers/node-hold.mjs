/**
 * Peers for the memory measurement:
 *   node node-hold.mjs server PORT COUNT    raw Node: accept connections and hold them open
 *   node node-hold.mjs clients PORT COUNT   open connections one after another and keep them
 * Each prints "holding" once COUNT connections are in place; the clients then wait for a line on
 * stdin and open COUNT more, and each prints "holding twice" at 2 × COUNT. The bench reads the
 * server's RSS at both and kills both by PID. Connects are bounded (5 s each).
 */
import net from 'node:net';

const [mode, portText, countText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const held = [];

if (mode === 'server') {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    held.push(socket);
    if (held.length === count) console.log('holding');
    if (held.length === 2 * count) console.log('holding twice');
  });
  server.listen({ port, host: '127.0.0.1', backlog: 1024 }, () => console.log('The server is ready to receive'));
} else if (mode === 'clients') {
  const connect = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect took over 5 s')), 5000);
      const socket = net.connect(port, '127.0.0.1', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.on('error', reject);
    });
  for (let i = 0; i < count; i++) held.push(await connect());
  console.log('holding');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let i = 0; i < count; i++) held.push(await connect());
  console.log('holding twice');
  setInterval(() => undefined, 60_000); // stay until killed
} else {
  process.stderr.write('usage: node-hold.mjs server|clients PORT COUNT\n');
  process.exit(1);
}
