/**
 * Entry of a parse worker thread: reads one audio file per request (id and tags, exactly as
 * `readTrack` does in-process) and posts back a plain result. Built as its own file next to the
 * bundles (dist/parse-worker.js, out/main/parse-worker.js); `parse-pool.ts` starts it.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseReply, ParseRequest, WorkerTestHooks } from './parse-types';
import { IN_MEMORY_LIMIT, readTrack } from './read-track';
import { ScratchBuffers } from './scratch-buffers';
import { SharedGate } from './shared-gate';

const port = parentPort;
if (!port) throw new Error('parse-worker must be started as a worker thread');
const hooks = (workerData ?? {}) as WorkerTestHooks;
// One buffer per file in flight (the pool sends a handful at a time); freed with the thread.
const scratch = new ScratchBuffers(IN_MEMORY_LIMIT, 16);
// This thread's side of each read gate (a limited medium), by key.
const gates = new Map<string, SharedGate>();

function gateFor(req: ParseRequest): SharedGate | undefined {
  const g = req.gate;
  if (!g) return undefined;
  // By key and limit: a later scan of the same device may run with another limit.
  const id = `${g.key}:${g.limit}`;
  let gate = gates.get(id);
  if (!gate) gates.set(id, (gate = new SharedGate(g.memory, g.limit, req.thread)));
  return gate;
}

async function handle(req: ParseRequest): Promise<void> {
  const name = path.basename(req.path);
  if (name === hooks.hangOn) {
    // Test hook: a parser stuck in a synchronous loop; only terminating the thread ends it.
    for (;;) {
      /* spin */
    }
  }
  if (name === hooks.crashOn) process.exit(70);
  // readTrack never rejects and keeps its own (async) time limit; the pool adds the hard one.
  const result = await readTrack(req.path, {
    stamp: req.stamp,
    timeoutMs: req.timeoutMs,
    scratch,
    // This thread does nothing else, so reading synchronously blocks no one (see readWholeSync).
    syncReads: true,
    slot: gateFor(req),
  });
  const reply: ParseReply = { seq: req.seq, result };
  port?.postMessage(reply);
}

port.on('message', (req: ParseRequest) => void handle(req));
const ready: ParseReply = { ready: true };
port.postMessage(ready);
