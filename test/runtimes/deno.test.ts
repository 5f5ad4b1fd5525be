// The engine in Deno (from npm: deno), with both adapters: the WHATWG one over Deno's global
// WebSocket (whose close code 0 for a dropped connection the adapter reads as 1006), the ws
// one over the npm `ws` through Deno's Node compatibility. Issue "Browser-grade", item 4.
import { DENO, describeRuntime } from './runtimes.js';

describeRuntime(DENO, ['ws', 'whatwg']);
