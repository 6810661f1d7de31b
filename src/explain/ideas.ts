/**
 * `explain TOPIC`: the ideas of the chapter (Kurose & Ross §2.7), and the things that go wrong
 * without an error code (a datagram cut short, a full queue, a call cut short).
 */
export const IDEAS = {
  welcoming:
    "A TCP server keeps a welcoming socket: bind + listen. It never carries data. Each accept completes one client's handshake and returns a new connection socket for that client, while the welcoming socket stays open for the next client. So a TCP server has one socket per client plus the welcoming socket, while a UDP server serves everyone with one socket.",
  connection:
    "A connection socket is what accept returns: one end of a reliable, ordered byte stream with one client. Both ends can send and recv. Closing it sends a FIN; the peer's recv then returns b''.",
  ephemeral:
    'A client rarely binds: the OS picks a source port for it (an ephemeral port, here 32768–60999) on its first sendto or on connect, and puts the source address in every packet. recvfrom on the server returns that address, which is how the server knows where to reply.',
  handshake:
    "TCP needs a handshake before data: connect sends SYN, the server's OS answers SYN+ACK, the client's OS sends ACK. It happens in the transport layer, triggered by connect, before accept returns. UDP has no handshake: the first datagram just goes.",
  udp: "UDP is connectionless: no handshake, no per-client state, no delivery guarantee. Each sendto names its destination; each datagram arrives whole or not at all, and recvfrom returns exactly one datagram and its sender's address.",
  tcp: 'TCP is connection-oriented: a handshake first, then a reliable, ordered byte stream between two connection sockets. It keeps no message boundaries: two sends may arrive in one recv, and one send in several.',
  port: 'A port number picks one socket among the processes of a host; the IP address picks the host. Ports below 1024 are the well-known ports: new applications should avoid them (the textbook uses 12000).',
  truncated:
    "A UDP datagram is received whole or not at all, and recvfrom(bufsize) returns at most bufsize bytes of one datagram: the OS throws the rest of that datagram away, as Python's recvfrom does. The next call returns the next datagram, not the rest. Ask for as much as the largest datagram can be (the textbook's 2048), or send less per datagram. TCP has no such loss: it is a byte stream, and recv leaves what it did not return for the next recv.",
  dropped:
    "The socket's receive queue was full, so datagrams that arrived were thrown away, as the OS does when a UDP socket's receive buffer (SO_RCVBUF) is full. UDP has no flow control: a sender faster than the receiver loses datagrams, and nobody is told. Call recvfrom more often, or make the sender slow down or wait for replies; TCP's flow control would make the sender wait instead.",
  backlog:
    "listen's backlog is how many connections may wait for accept: the OS completes their handshakes and queues them (Linux: backlog + 1), and leaves further clients unanswered until accept makes room; they wait. sockshell (Node) takes every connection from the OS at once, so it keeps the waiting ones itself, each costing it a file descriptor: at least as many as the backlog allows, and up to a quarter of its descriptor limit. Past that it resets new connections and counts them, and those clients see ECONNRESET. Call accept more often.",
} as const;
