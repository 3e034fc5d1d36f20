#!/usr/bin/env node

// The load generator of bench/proxy.mjs, in a process of its own (so neither the bench's bookkeeping nor
// a target shares its event loop; bench/proxy.mjs can pin it to a CPU with taskset). The same generator,
// request mix and settings run against every target. Prints one JSON line with the result.
//
//   node bench/proxy-load.mjs fixed <port> <rate> <seconds> [<warm-up seconds>]
//     open loop: request i is due at start + i/rate; latency is from the moment it was sent to the last
//     byte of the answer. Also reports how late the generator sent (its own scheduling delay), so a
//     tail caused by the generator shows as such. The warm-up runs first at the same rate, on the same
//     connections and in this process, and is not counted: a fresh generator opening its 64 connections
//     and compiling its own code puts 40 ms tails into its first few hundred requests whatever the
//     target (seen on the direct path too), and a long-running proxy's clients are not fresh. After the
//     warm-up it prints `warm` and waits for a line on stdin before the measured run.
//   node bench/proxy-load.mjs max <port> <connections> <seconds>
//     closed loop: each connection sends its next request when the last answer ended (bench/proxy.mjs
//     reads the target's CPU time around it).

import { Pool } from 'undici';

const [kind, portText, nText, secondsText, warmupText] = process.argv.slice(2);
const port = Number(portText);
const seconds = Number(secondsText);

// Benign API traffic: GETs with a query and POSTs with a JSON body, 5,000 API keys so no actor's rate
// looks like abuse (every target then does its full inspection and forwards). A named Host, as real
// clients send (CRS scores a numeric Host, rule 920350).
const HOST = 'api.example.test';
function req(i) {
  const key = `key-${(i * 7919) % 5000}`;
  if (i % 4 === 3)
    return {
      path: '/api/orders',
      method: 'POST',
      headers: {
        host: HOST,
        'content-type': 'application/json',
        'x-api-key': key,
        'user-agent': 'bench/1.0',
      },
      body: JSON.stringify({ item: i % 100, qty: 1, note: 'deliver to the back door' }),
    };
  return {
    path: `/api/items/${i % 1000}?fields=name,price&page=${i % 7}`,
    method: 'GET',
    headers: { host: HOST, 'x-api-key': key, 'user-agent': 'bench/1.0', accept: 'application/json' },
  };
}

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function fixed(rate, warmup) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  if (warmup > 0) {
    await openLoop(pool, rate, warmup);
    // bench/proxy.mjs resets the target's own figures between the warm-up and the measured run.
    process.stdout.write('warm\n');
    await new Promise((r) => process.stdin.once('data', r));
  }
  const result = await openLoop(pool, rate, seconds);
  await pool.close();
  return result;
}

async function openLoop(pool, rate, seconds) {
  const total = Math.round(rate * seconds);
  const lat = new Float64Array(total);
  const late = new Float64Array(total);
  const status = {};
  const own0 = process.cpuUsage();
  const start = performance.now();
  let done = 0;
  let finish;
  const finished = new Promise((r) => {
    finish = r;
  });
  const send = (i) => {
    const t0 = performance.now();
    late[i] = t0 - (start + (i * 1000) / rate);
    pool.request(req(i)).then(
      async (res) => {
        await res.body.arrayBuffer();
        lat[i] = performance.now() - t0;
        status[res.statusCode] = (status[res.statusCode] ?? 0) + 1;
        if (++done === total) finish();
      },
      (err) => {
        lat[i] = performance.now() - t0;
        status[err.code ?? 'error'] = (status[err.code ?? 'error'] ?? 0) + 1;
        if (++done === total) finish();
      },
    );
  };
  // Every request due by now is sent; then sleep until the next one is due. setTimeout wakes ≥ 1 ms
  // later, so requests leave in small bursts when the rate is above 1,000/s; their lateness is reported.
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) send(i++);
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - now)));
  }
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  const own = process.cpuUsage(own0);
  const sorted = Float64Array.from(lat).sort();
  const lateSorted = Float64Array.from(late).sort();
  return {
    n: total,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted[sorted.length - 1],
    lateP50: quantile(lateSorted, 0.5),
    lateP99: quantile(lateSorted, 0.99),
    achieved: total / elapsed,
    status,
    loadCpu: (own.user + own.system) / 1e6,
  };
}

async function max(conc) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: conc });
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const own0 = process.cpuUsage();
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await pool.request(req(next++));
      await res.body.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  const secs = (performance.now() - started) / 1000;
  const own = process.cpuUsage(own0);
  await pool.close();
  return { rps: done / secs, done, loadCpu: (own.user + own.system) / 1e6, secs };
}

const result =
  kind === 'fixed'
    ? await fixed(Number(nText), Number(warmupText ?? 0))
    : kind === 'max'
      ? await max(Number(nText))
      : undefined;
if (!result) {
  process.stderr.write(
    'usage: proxy-load.mjs fixed <port> <rate> <seconds> [<warm-up seconds>] | max <port> <conc> <seconds>\n',
  );
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
