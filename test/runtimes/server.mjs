// The server of scenario.mjs, run by Node in a child process so the scenario can kill it
// for real (SIGKILL: no close frame, the client sees a dropped connection) and start it
// again on the same port. Usage: node server.mjs [port]; prints {"port":N} once listening,
// then one JSON line per closed connection: {"closed":code,"reason":"..."}.
//
// Per connection: 'close-4001' -> the server closes with 4001 "app code"; 'ping' -> 'pong'
// (the heartbeat of the WHATWG adapter); 'silence' -> the server stops reading this
// connection (no pong, no heartbeat reply: a server that hangs); anything else is echoed
// as it came (text or binary).
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

wss.on('listening', () => print({ port: wss.address().port }));
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? undefined : data.toString();
    if (text === 'close-4001') socket.close(4001, 'app code');
    else if (text === 'ping') socket.send('pong');
    else if (text === 'silence') socket._socket.pause();
    else socket.send(data, { binary: isBinary });
  });
  socket.on('close', (code, reason) => print({ closed: code, reason: reason.toString() }));
});
// The scenario ends the server with SIGTERM when it is done; a lost parent ends it too.
process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
