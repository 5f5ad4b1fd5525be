import { DEFAULT_ECHO_PORT } from './args.js';
import { OUTBOX } from './connect.js';

/** `wscengine --help`. */
export const MAIN_HELP = `Usage: wscengine <command> [options]

A WebSocket client that stays connected, on the command line.

Commands:
  connect <url>   connect, send stdin lines as text, print messages on stdout
  echo-server     run a WebSocket echo server

Options:
  -h, --help      show this help (and 'wscengine <command> --help' for a command's)
  -v, --version   print the version

Exit status: 0 done, 1 failure (e.g. server unreachable), 2 wrong usage.
`;

/** `wscengine connect --help`. */
export const CONNECT_HELP = `Usage: wscengine connect <url> [options]

Connects to a ws:// or wss:// URL and stays connected: lines read on stdin are sent as
text messages, messages received are printed on stdout (text as is, binary as hex),
connection events (connected, closed, reconnecting, attempt failed) go to stderr.

Options:
  -H, --header "Name: value"  handshake header; repeatable
      --subprotocol <name>    offer a subprotocol; repeatable, preferred first
      --no-reconnect          exit 0 when the connection ends instead of reconnecting
      --max-retries <n>       give up (exit 1) after n failed reconnects in a row
      --retry-delay <ms>      backoff after the first failure (doubles; default 1000)
      --max-retry-delay <ms>  longest backoff (default 30000)
      --keepalive <ms>        ping every <ms> of silence; no pong within <ms> = drop
      --connect-timeout <ms>  bound of one connect attempt (default 10000)
      --once                  send stdin, print the first message received, exit 0
      --json                  one JSON object per event and message on stdout
      --base64                print binary messages in base64 instead of hex
      --insecure              do not verify the server's TLS certificate
  -q, --quiet                 no events on stderr
  -h, --help                  show this help

Lines typed while disconnected are kept (up to ${OUTBOX.maxMessages}; then stdin is paused) and
sent in order after the next connect; a line that cannot be sent is printed on stderr
('not sent (why): line'). End of input does not close the connection.
SIGINT/SIGTERM close with 1000 and exit 0; a second one exits at once.
An unreachable server exits 1 with one line on stderr.

Examples:
  wscengine connect wss://example.com/feed -H "Authorization: Bearer $TOKEN"
  echo '{"op":"ping"}' | wscengine connect ws://127.0.0.1:8080 --once
  wscengine connect ws://127.0.0.1:8080 --json | jq -c 'select(.event == "message")'
`;

/** `wscengine echo-server --help`. */
export const ECHO_SERVER_HELP = `Usage: wscengine echo-server [options]

Runs a WebSocket server that sends every message back as it came (text as text,
binary as binary). Prints 'listening on ws://HOST:PORT' on stdout once ready.

Options:
  -p, --port <n>     port to listen on; 0 picks a free one (default ${DEFAULT_ECHO_PORT})
      --host <host>  interface to bind (default 127.0.0.1)
  -h, --help         show this help

SIGINT/SIGTERM close every client with 1001 and exit 0.
`;
