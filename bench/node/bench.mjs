// The glide_bench modes with Valkey GLIDE for Node (@valkey/valkey-glide), for bench/run.sh.
//
//   node bench.mjs [--modules DIR] [--host H] [--port P] MODE [--seconds S] [--depth N] [--concurrency C]
//
// MODE: pipeline | script | evalsha | get | cluster-pipeline, as in bench/glide_bench.cpp
// (cluster-pipeline: --host/--port name any node of a cluster). The package is not part of
// the repository: run.sh installs it into a cache directory and passes its node_modules with
// --modules (or GLIDE_NODE_MODULES). Prints one line like glide_bench:
//   result impl=glide-node mode=pipeline depth=100 seconds=3.00 ops=... ops_per_sec=...
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";

const KEY_SPACE = 10000;
const VALUE = "0123456789abcdef"; // 16 bytes
const SCRIPT_CODE = "return ARGV[1]";

function usage(msg) {
  if (msg) console.error(`bench.mjs: ${msg}`);
  console.error(
    "usage: node bench.mjs [--modules DIR] [--host H] [--port P] pipeline|script|evalsha|get|cluster-pipeline\n" +
      "                      [--seconds S] [--warmup S] [--depth N] [--concurrency C]",
  );
  process.exit(2);
}

function parse(argv) {
  const o = {
    modules: process.env.GLIDE_NODE_MODULES ?? "",
    host: "127.0.0.1",
    port: 6379,
    mode: "",
    depth: 100,
    concurrency: 256,
    seconds: 3,
    warmup: 0.5,
  };
  const positive = (v, what, allowZero = false) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) usage(`bad ${what}: ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--modules") o.modules = next();
    else if (a === "--host") o.host = next();
    else if (a === "--port") o.port = Math.trunc(positive(next(), "port"));
    else if (a === "--depth") o.depth = Math.trunc(positive(next(), "depth"));
    else if (a === "--concurrency") o.concurrency = Math.trunc(positive(next(), "concurrency"));
    else if (a === "--seconds") o.seconds = positive(next(), "seconds");
    else if (a === "--warmup") o.warmup = positive(next(), "warmup", true);
    else if (a === "-h" || a === "--help") usage();
    else if (!a.startsWith("-") && !o.mode) o.mode = a;
    else usage(`unknown argument: ${a}`);
  }
  if (!["pipeline", "script", "evalsha", "get", "cluster-pipeline"].includes(o.mode)) usage("missing or bad mode");
  return o;
}

const o = parse(process.argv.slice(2));

// The package lives outside the repository: resolve it from the given node_modules directory
// (or, failing that, the normal way from this file's location).
const require = createRequire(o.modules ? path.join(path.resolve(o.modules), "..", "noop.js") : import.meta.url);
const { GlideClient, GlideClusterClient, Batch, ClusterBatch, Script } = require("@valkey/valkey-glide");

// bench:key:0 .. bench:key:9999, formatted once so the timed loops measure the client only.
const KEYS = Array.from({ length: KEY_SPACE }, (_, i) => `bench:key:${i}`);
const key = (i) => KEYS[i % KEY_SPACE];
const now = () => performance.now() / 1000;

// Runs `step` (async, returns how many operations it did) through a warm-up, then the timed
// window; returns { ops, elapsed } of the window.
async function timed(step) {
  for (const end = now() + o.warmup; now() < end; ) await step();
  let ops = 0;
  const start = now();
  const end = start + o.seconds;
  let t = start;
  while (t < end) {
    ops += await step();
    t = now();
  }
  return { ops, elapsed: t - start };
}

async function populate(client) {
  const fill = new Batch(false);
  for (let i = 0; i < KEY_SPACE; ++i) fill.set(key(i), VALUE);
  await client.exec(fill, true);
}

async function benchPipeline(client) {
  const batch = new Batch(false);
  for (let i = 0; i < o.depth; ++i) batch.set(key(i), VALUE);
  return timed(async () => {
    const r = await client.exec(batch, true);
    if (!r || r.length !== o.depth) throw new Error("exec: unexpected reply count");
    return o.depth;
  });
}

// The same on a cluster: bench:key:0..N-1 spread over the slots of every primary.
async function benchClusterPipeline(client) {
  const batch = new ClusterBatch(false);
  for (let i = 0; i < o.depth; ++i) batch.set(key(i), VALUE);
  return timed(async () => {
    const r = await client.exec(batch, true);
    if (!r || r.length !== o.depth) throw new Error("exec: unexpected reply count");
    return o.depth;
  });
}

async function benchScript(client) {
  const script = new Script(SCRIPT_CODE);
  try {
    const first = await client.invokeScript(script, { args: ["x"] });
    if (String(first) !== "x") throw new Error(`invokeScript: unexpected reply ${first}`);
    return await timed(async () => {
      await client.invokeScript(script, { args: ["x"] });
      return 1;
    });
  } finally {
    script.release();
  }
}

async function benchEvalsha(client) {
  const sha = await client.customCommand(["SCRIPT", "LOAD", SCRIPT_CODE]);
  const args = ["EVALSHA", String(sha), "0", "x"];
  return timed(async () => {
    await client.customCommand(args);
    return 1;
  });
}

async function benchGet(client) {
  await populate(client);
  let result = { ops: 0, elapsed: 0 };
  for (const [warm, seconds] of [
    [true, o.warmup],
    [false, o.seconds],
  ]) {
    if (seconds <= 0) continue;
    const start = now();
    const end = start + seconds;
    let ops = 0;
    const worker = async (w) => {
      for (let i = w; now() < end; i += o.concurrency) {
        await client.get(key(i));
        ++ops;
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
    if (!warm) result = { ops, elapsed: now() - start };
  }
  return result;
}

let client;
try {
  const Client = o.mode === "cluster-pipeline" ? GlideClusterClient : GlideClient;
  client = await Client.createClient({
    addresses: [{ host: o.host, port: o.port }],
    requestTimeout: 5000, // as glide_bench: a 1000-command batch on a loaded machine must not time out
    inflightRequestsLimit: Math.max(1000, o.concurrency * 2),
  });
} catch (e) {
  console.error(`bench.mjs: cannot connect to ${o.host}:${o.port}: ${e?.message ?? e}`);
  process.exit(1);
}
let status = 0;
try {
  const bench = {
    pipeline: benchPipeline,
    script: benchScript,
    evalsha: benchEvalsha,
    get: benchGet,
    "cluster-pipeline": benchClusterPipeline,
  }[o.mode];
  const m = await bench(client);
  let params = "";
  if (o.mode === "pipeline" || o.mode === "cluster-pipeline") params = ` depth=${o.depth}`;
  if (o.mode === "get") params = ` concurrency=${o.concurrency}`;
  console.log(
    `result impl=glide-node mode=${o.mode}${params} seconds=${m.elapsed.toFixed(2)} ops=${m.ops} ` +
      `ops_per_sec=${Math.round(m.ops / m.elapsed)}`,
  );
} catch (e) {
  console.error(`bench.mjs: ${e?.stack ?? e}`);
  status = 1;
} finally {
  client.close();
}
process.exit(status);
