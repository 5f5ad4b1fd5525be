// The engine in Bun (from npm: bun), with both adapters: the WHATWG one over Bun's global
// WebSocket, the ws one over Bun's built-in `ws` (Bun resolves `import 'ws'` to its own).
// Issue "Browser-grade", item 4.
import { BUN, describeRuntime } from './runtimes.js';

describeRuntime(BUN, ['ws', 'whatwg']);
