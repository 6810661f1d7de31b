/**
 * `explain TOPIC`: the ideas of the chapter (Kurose & Ross §2.7), and the things that go wrong
 * without an error code (a datagram cut short, a full queue, a call cut short).
 */
export const IDEAS = {
  welcoming:
    "A TCP server keeps a welcoming socket: bind + listen. It never carries data. The two hosts' OSes complete each client's handshake before any accept, and the connection waits in the listen queue (data the client sends waits with it); accept takes one and returns a new connection socket for that client, while the welcoming socket stays open for the next client. So a TCP server has one socket per client plus the welcoming socket, while a UDP server serves everyone with one socket.",
  connection:
    "A connection socket is what accept returns: one end of a reliable, ordered byte stream with one client. Both ends can send and recv. Closing it sends a FIN; the peer's recv then returns b''.",
  ephemeral:
    'A client rarely binds: the OS picks a source port for it (an ephemeral port, here 32768–60999) on its first sendto or on connect, and puts the source address in every packet. recvfrom on the server returns that address, which is how the server knows where to reply.',
  handshake:
    "TCP needs a handshake before data: connect sends SYN, the server's OS answers SYN+ACK, the client's OS sends ACK. It happens in the transport layer, triggered by connect, before accept returns. UDP has no handshake: the first datagram just goes.",
  udp: "UDP is connectionless: no handshake, no per-client state, no delivery guarantee. Each sendto names its destination; each datagram arrives whole or not at all, and recvfrom returns exactly one datagram and its sender's address.",
  tcp: 'TCP is connection-oriented: a handshake first, then a reliable, ordered byte stream between two connection sockets. It keeps no message boundaries: two sends may arrive in one recv, and one send in several.',
  port: 'A port number picks one socket among the processes of a host; the IP address picks the host. Ports below 1024 are the well-known ports: new applications should avoid them (the textbook uses 12000).',
  // The chapter's nine concepts, by the names `help` and the lesson use, in the chapter's order.
  transport:
    'Choosing a transport is the first decision of a network application. TCP (tcp.socket, tcp.listen, tcp.connect) gives a connection: a handshake first, then a reliable, ordered byte stream between two sockets. UDP (udp.socket, udp.bind) gives none: each datagram is sent on its own, may be lost, and arrives whole if it arrives. The textbook builds the same upper-case server both ways to show the difference.',
  ports:
    'A port number picks the socket of one process on a host. The well-known ports below 1024 belong to standard services (80 for HTTP, 53 for DNS), so an application of your own should use a port above 1023: the textbook uses 12000. TCP and UDP ports are separate: a UDP server on 12000 and a TCP server on 12000 are two different sockets, and a TCP connect never reaches a UDP socket.',
  control:
    "The application controls its side of the socket and little of the transport's side. You choose the transport, the destination, what to send and when to call recv; the OS decides the source port (unless you bind), how TCP splits your bytes into segments, when it retransmits, and how much it queues. The `#` lines show that second side: the port the OS picked, a handshake, a FIN, bytes that arrived in pieces.",
  destination:
    "A destination is an IP address and a port. Routers use the IP address to reach the host; the port picks the process's socket there. With UDP every sendto names its destination (sendto DATA HOST PORT); with TCP connect names it once, and send needs none. A host name such as localhost is looked up and turned into an address first.",
  source:
    'Every packet also carries its source address and port, but UDP application code never writes them: the OS inserts them, and picks an ephemeral source port on the first sendto when the socket was never bound (the `# the OS bound ...` line). That is how the server learns where to reply. A UDP socket keeps no per-source state: one socket hears every client.',
  reply:
    "A UDP server replies to the sender: recvfrom returns the data and the client's address (message, clientAddress = serverSocket.recvfrom 2048), and the server sends its answer there (serverSocket.sendto $modifiedMessage $clientAddress), then loops back to wait for the next datagram, from this client or any other. A TCP server needs no address to reply: its connection socket is joined to one client.",
  pipe: "Once connected, the client's socket and the server's connection socket are joined by a pipe: bytes go in at one end and come out at the other, reliably and in the order sent, in both directions. send takes no address (the connection has one). The pipe keeps no message boundaries: two sends may come out of one recv. When one end closes, the other's recv returns b'' (EOF) after the bytes that came before.",
  // The words students type, and meet in the `#` lines.
  recvfrom:
    "recvfrom BUFSIZE waits for one datagram and returns it with its sender's address: (data, address). Assign both, as the textbook does: message, clientAddress = serverSocket.recvfrom 2048. BUFSIZE is the most bytes it returns; the rest of a longer datagram is lost. If nothing has arrived it waits (blocks) until something does, or until settimeout's limit; Ctrl-C cancels. Each call returns exactly one datagram, however many are queued.",
  EOF: "EOF, end of file: on a TCP connection, the peer has closed its side (close, or shutdown wr) and its FIN arrived. recv returns what was still queued, then b'' for ever after: b'' from recv means EOF, never an empty message. A server that reads until the client is done loops until recv returns b''.",
  "b''":
    "b'' is the empty bytes value. From recv on TCP it means EOF: the peer closed its side and nothing more will come (recv 0 also returns it). From recvfrom on UDP it is an empty datagram, which is a real message. Sent as data it sends nothing on TCP, and an empty datagram on UDP.",
  localhost:
    "localhost is the name of this host's loopback address, 127.0.0.1 (::1 in IPv6). It is looked up like any host name, from /etc/hosts rather than DNS; packets to it never leave the machine. A server bound to '' (every interface) or 127.0.0.1 is reachable as localhost; one bound to another interface's address is not.",
  truncated:
    "A UDP datagram is received whole or not at all, and recvfrom(bufsize) returns at most bufsize bytes of one datagram: the OS throws the rest of that datagram away, as Python's recvfrom does. The next call returns the next datagram, not the rest. Ask for as much as the largest datagram can be (the textbook's 2048), or send less per datagram. TCP has no such loss: it is a byte stream, and recv leaves what it did not return for the next recv.",
  dropped:
    "A receive queue was full, so datagrams that arrived were thrown away: the kernel's receive buffer of the socket (SO_RCVBUF), which holds what arrived until the program reads it (ss -uam shows its drops as d…), or in sockshell its own queue of what it read from the kernel, waiting for recvfrom. UDP has no flow control: a sender faster than the receiver loses datagrams, and nobody is told. Call recvfrom more often, or make the sender slow down or wait for replies; TCP's flow control would make the sender wait instead.",
  backlog:
    "listen's backlog is how many connections may wait for accept: the OS completes their handshakes and queues them (Linux: backlog + 1), and leaves further clients unanswered until accept makes room; they wait. sockshell (Node) takes every connection from the OS at once, so it keeps the waiting ones itself, each costing it a file descriptor: at least as many as the backlog allows, and up to a quarter of its descriptor limit. Past that it resets new connections and counts them, and those clients see ECONNRESET (a TLS or Unix connection cannot be reset from Node: it is closed, and its client reads the end of the stream). Call accept more often.",
  tls: "TLS runs on top of a TCP connection: after TCP's handshake, the client and server make a TLS handshake (one round trip in TLS 1.3, two in 1.2) in which they agree on a version and a cipher, the server shows its certificate, and the client checks it: signed by an authority it trusts, within its dates, and for the name it asked for. After that every byte is encrypted and checked, and the application still sees a plain byte stream: send and recv are TCP's. tls.connect and tls.listen show what was agreed; a certificate that fails a check is refused, unless you trust it (--ca) or accept it on purpose (--insecure).",
  unix: "A Unix domain socket (AF_UNIX) connects two processes on the same host through the kernel alone: its address is a path, the socket file a server's bind creates; there are no ports, no packets and no handshake on a wire. A stream one (SOCK_STREAM) is a byte stream as TCP's is: accept, send, recv and close work the same. The file outlives the socket in Python, whose close leaves it: the next bind to that path fails with EADDRINUSE until the file is removed.",
} as const;
