import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';
import { freeFixedPort } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';
import { said, saidAfter, tcpOpening, udpToRelay, walk } from './helpers/lesson-walk.js';

/**
 * A line that is nearly the step gets what is off in it, not "Not this step" alone (trial #9): the
 * port, the host, the socket, or a send before the connection it needs. A port typed as its number
 * is the step.
 */

const drivers: CoreDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
const shell = (): CoreDriver => drivers[drivers.push(new CoreDriver()) - 1]!;

const run = saidAfter;

describe('what is off in a line that is nearly the step', () => {
  it('UDP: the wrong port, the wrong host, the wrong socket; the port typed as its number is the step', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, udpToRelay(port, 0).slice(0, 6)); // serverSocket bound: step 6 sends again
    expect(await run(d, `clientSocket.sendto hello localhost ${port + 1}`)).toMatch(
      new RegExp(
        `» Not this step: that line's port is ${port + 1}, and this step's is serverPort, ${port}, where serverSocket is bound\\. Send the line again`,
      ),
    );
    expect(await run(d, 'clientSocket.sendto hello localhos $serverPort')).toMatch(
      /» Not this step: the server is on this host, localhost \(127\.0\.0\.1\), and that line named localhos, a name the OS could not look up\./,
    );
    expect(await run(d, 'serverSocket.sendto hello localhost $serverPort')).toMatch(
      /» Not this step: this step sends from clientSocket; that line used serverSocket\./,
    );
    await walk(d, [[`clientSocket.sendto hello localhost ${port}`, /This time the datagram waits[^]*Step 7 of 19/]]);
  });

  it("a receive typed on the other socket says before it waits that what came is on the step's socket (user trial 6)", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, udpToRelay(port, 0).slice(0, 10)); // step 10: the reply waits on clientSocket
    await waitFor(
      () => d.core.session.engine.list().some((s) => s.name === 'clientSocket' && s.queued.count === 1),
      () => 'the reply on clientSocket',
    );
    const r = await d.run('modifiedMessage, serverAddress = serverSocket.recvfrom 2048', 500);
    expect(r.interrupted).toBe(true); // it waited, as Python's would
    expect(said(r.out)).toMatch(
      /» serverSocket has nothing queued, so this recvfrom waits \(Ctrl-C cancels\): what came is waiting on clientSocket, this step's socket\./,
    );
  });

  it("the student's names: c for clientSocket, and a second socket under the lesson's name is said to be another", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ['lesson udp', /Step 1/],
      [`serverPort = ${port}`, /Step 2/],
      ['c = udp.socket', /Step 3/],
      ['c.getsockname', /Step 4/],
      ['c.sendto hello localhost $serverPort', /Step 5/],
      ['s = udp.bind $serverPort', /Step 6/],
      ['clientSocket = udp.socket', /Not this step/],
    ]);
    expect(await run(d, 'clientSocket.sendto hello localhost $serverPort')).toMatch(
      /» Not this step: this step sends from c; that line used clientSocket, another socket than the one the lesson follows as c\./,
    );
    expect(await run(d, 'c.sendto hello localhost 1')).toMatch(
      /that line's port is 1, and this step's is serverPort, \d+, where s is bound/,
    );
  });

  it('TCP: a send before the connect is the order missed; a connect to the wrong port says which', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, tcpOpening(port).slice(0, 3));
    expect(await run(d, 'clientSocket.send hello')).toMatch(
      /» Not this step: clientSocket is not connected yet, so a send has nowhere to go: TCP sends over a connection, and this step makes it\./,
    );
    expect(await run(d, `clientSocket.connect localhost ${port + 1}`)).toMatch(
      new RegExp(`» Not this step: that line's port is ${port + 1}, and this step's is serverPort, ${port}\\.`),
    );
    await walk(d, [[`clientSocket.connect localhost ${port}`, /ECONNREFUSED[^]*Step 4 of 17/]]);
  });

  it('a variable typed without its $ is the word itself: not the step, and said so', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, udpToRelay(port, 0).slice(0, 8));
    expect(await run(d, 'modifiedMessage = upper message')).toMatch(
      /» Not this step: message without a \$ is the word itself; the variable is \$message\./,
    );
    await walk(d, [['modifiedMessage = upper $message', /Step 9 of 19/]]);
  });

  it('a relay started without its & holds the prompt: Ctrl-C, and the lesson says what the & was for', async () => {
    const [port, relayPort] = [await freeFixedPort(), await freeFixedPort()];
    const d = shell();
    await walk(d, udpToRelay(port, relayPort));
    // The relay runs in the foreground until Ctrl-C: the driver presses it after 300 ms.
    const ran = await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2', 300);
    expect(ran.interrupted).toBe(true);
    expect(said(withoutReceiveNotes(ran.out))).toMatch(
      /» Cancelled: without the & at the end, it ran in the foreground, holding the prompt until Ctrl-C; with it, it runs as a job beside what you type\. Start the relay/,
    );
  });

  it('a name typed in the wrong case is said so', async () => {
    const d = shell();
    await walk(d, [['lesson udp', /Step 1 of 19/]]);
    expect(await run(d, 'serverport = 12000')).toMatch(/» Not this step: names are case-sensitive, and serverport is not serverPort\./);
  });

  it('a role whose socket was closed is taken by the next socket made for it: the lesson does not insist on the closed one', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ['lesson udp', /Step 1 of 19/],
      [`serverPort = ${port}`, /Step 2 of 19/],
      ['clientsocket = udp.socket', /Step 3 of 19[^]*type: clientsocket\.getsockname/],
      ['clientsocket.close', /Not this step/],
      ['clientSocket = udp.socket', /step 2 again; you are at step 3/],
      ['clientSocket.getsockname', /no port yet[^]*Step 4 of 19[^]*type: clientSocket\.sendto/],
    ]);
  });
});
