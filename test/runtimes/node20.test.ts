// The engine in Node 20 itself, with both adapters (the WHATWG one over undici's
// WebSocket, as Node 20 has no global one), in a process of its own.
// Issue "Browser-grade", item 4.
import { describeRuntime, NODE20 } from './runtimes.js';

describeRuntime(NODE20, ['ws', 'whatwg']);
