/**
 * Raw Node peers for the round-trip measurements, the textbook programs' shape with nothing on top:
 *   node node-rt.mjs udp-server PORT         UDPServer: upper-case each datagram back to its sender
 *   node node-rt.mjs udp-client PORT COUNT [WARMUP]   COUNT sequential sendto + recvfrom round trips
 *   node node-rt.mjs tcp-server PORT         one connection at a time, upper-case each message back
 *   node node-rt.mjs tcp-client PORT COUNT [WARMUP]   COUNT sequential send + recv round trips on one connection
 * Clients print "start" after WARMUP round trips (default 1) and "done" after the loop; the bench times them
 * by those lines. Every wait is bounded: a lost reply ends the client with status 1.
 */
import dgram from 'node:dgram';
import net from 'node:net';

const [mode, portText, countText, warmupText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText ?? 0);
const warmup = Math.max(1, Number(warmupText ?? 1));
const MESSAGE = Buffer.from('hello sockshell');
const REPLY = 'HELLO SOCKSHELL';
const upper = (data) => Buffer.from(data.toString('utf8').toUpperCase(), 'utf8');
const fail = (why) => {
  process.stderr.write(`${mode}: ${why}\n`);
  process.exit(1);
};

function deadline() {
  return setTimeout(() => fail('no reply within 5 s'), 5000);
}

/**
 * The client side: `send` sends one message now; the function returned takes each reply. "start"
 * follows the WARMUP replies, "done" the COUNT after them, then `finish` ends the client.
 */
function roundTrips(send, finish) {
  let replies = 0;
  let timer = deadline();
  send();
  return (data) => {
    clearTimeout(timer);
    if (data.toString() !== REPLY) fail(`unexpected reply ${data}`);
    if (++replies === warmup) console.log('start');
    if (replies === count + warmup) {
      console.log('done');
      finish();
      return;
    }
    timer = deadline();
    send();
  };
}

switch (mode) {
  case 'udp-server': {
    const server = dgram.createSocket('udp4');
    server.on('message', (data, from) => server.send(upper(data), from.port, from.address));
    server.bind(port, () => console.log('The server is ready to receive'));
    break;
  }
  case 'udp-client': {
    const client = dgram.createSocket('udp4');
    client.on(
      'message',
      roundTrips(
        () => client.send(MESSAGE, port, '127.0.0.1'),
        () => client.close(),
      ),
    );
    break;
  }
  case 'tcp-server': {
    const server = net.createServer((conn) => {
      conn.on('data', (data) => conn.write(upper(data)));
      conn.on('error', () => conn.destroy());
    });
    server.listen(port, () => console.log('The server is ready to receive'));
    break;
  }
  case 'tcp-client': {
    const client = net.connect(port, '127.0.0.1');
    client.on('connect', () =>
      client.on(
        'data',
        roundTrips(
          () => client.write(MESSAGE),
          () => client.end(),
        ),
      ),
    );
    client.on('error', (err) => fail(err.code));
    break;
  }
  default:
    fail('usage: node-rt.mjs udp-server|udp-client|tcp-server|tcp-client PORT [COUNT [WARMUP]]');
}
