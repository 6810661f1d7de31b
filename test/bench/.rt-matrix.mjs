// scratch: every server × client combination, median rate
import { BENCH, NODE, ROOT, freePort, pinned, sockshell, start, timedLoop, setPinning } from './lib.mjs';
setPinning(process.env.PIN === '1');
const [transport = 'udp', count = '20000', reps = '3'] = process.argv.slice(2);
const servers = {
  shell: (port) => transport === 'udp' ? sockshell(`${ROOT}scripts/UDPServer.sock`, { serverPort: port }, pinned) : sockshell(`${BENCH}tcp-server.sock`, { serverPort: port }, pinned),
  node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-server`, String(port)], pinned),
};
const clients = {
  shell: (port) => sockshell(`${BENCH}${transport}-client.sock`, { serverPort: port, count }, pinned),
  node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-client`, String(port), count], pinned),
};
const results = {};
for (let r = 0; r < Number(reps); r++) for (const s of Object.keys(servers)) for (const c of Object.keys(clients)) {
  const port = await freePort(transport);
  const srv = servers[s](port);
  await srv.line('The server is ready', 15000);
  const { seconds } = await timedLoop(clients[c](port), 60000);
  await srv.kill();
  (results[`${s} server / ${c} client`] ??= []).push(Number(count) / seconds);
}
for (const [k, v] of Object.entries(results)) { v.sort((a, b) => a - b); console.log(k.padEnd(28), Math.round(v[v.length >> 1]), v.map(Math.round).join(' ')); }
process.exit(0);
