// Where a sensor's virtual patches and actor decisions come from: a JSON file (`--patches FILE`, re-read
// when it changes) or the platform (`GET /api/v1/patches` and `/api/v1/decisions`, polled). The last
// good policy stays in force while the platform is unreachable; a bad answer never clears it. With both,
// the file's patches and the platform's apply together; decisions then come from the platform.

import { readFile, stat } from 'node:fs/promises';
import type { Decision } from '../respond/decisions.js';
import type { Patch } from '../respond/patch.js';
import type { Guard } from './guard.js';

export interface PolicyOptions {
  guard: Guard;
  /** Platform base URL and bearer token. */
  server?: { url: string; token?: string };
  /** JSON file: an array of patches, or `{ "patches": [...], "decisions": [...] }`. */
  file?: string;
  /** Poll period (default 10 s). */
  intervalMs?: number;
  /** A load that failed (printed once per distinct message by the CLI). */
  onError?: (message: string) => void;
}

export class PolicyError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the parts of a patch the guard relies on; throws PolicyError naming the first bad one. */
export function parsePatches(value: unknown, where: string): Patch[] {
  const list = Array.isArray(value) ? value : isObject(value) ? value['patches'] : undefined;
  if (!Array.isArray(list))
    throw new PolicyError(`${where}: expected an array of patches or {"patches": [...]}`);
  return list.map((p, i) => {
    const at = `${where}: patches[${i}]`;
    if (!isObject(p) || typeof p['id'] !== 'string') throw new PolicyError(`${at}: id must be a string`);
    if (p['action'] !== 'block' && p['action'] !== 'log')
      throw new PolicyError(`${at}: action must be "block" or "log"`);
    const m = p['match'];
    if (!isObject(m)) throw new PolicyError(`${at}: match must be an object`);
    for (const k of ['host', 'method', 'path', 'where', 'name', 'pattern', 'actor'])
      if (m[k] !== undefined && typeof m[k] !== 'string')
        throw new PolicyError(`${at}: match.${k} must be a string`);
    if (typeof m['pattern'] === 'string') {
      try {
        new RegExp(m['pattern']);
      } catch (err) {
        throw new PolicyError(`${at}: match.pattern is not a regex (${(err as Error).message})`);
      }
    }
    for (const k of ['expires', 'revoked'])
      if (p[k] !== undefined && (typeof p[k] !== 'string' || Number.isNaN(Date.parse(p[k] as string))))
        throw new PolicyError(`${at}: ${k} must be an ISO time`);
    return p as unknown as Patch;
  });
}

/** Decisions as the platform lists them (`until` in epoch ms or ISO time). */
export function parseDecisions(value: unknown, where: string): Decision[] {
  const list = Array.isArray(value) ? value : isObject(value) ? value['decisions'] : undefined;
  if (list === undefined && isObject(value)) return [];
  if (!Array.isArray(list))
    throw new PolicyError(`${where}: expected an array of decisions or {"decisions": [...]}`);
  return list.map((d, i) => {
    const at = `${where}: decisions[${i}]`;
    if (!isObject(d) || typeof d['actor'] !== 'string')
      throw new PolicyError(`${at}: actor must be a string`);
    if (d['action'] !== 'block' && d['action'] !== 'throttle')
      throw new PolicyError(`${at}: action must be "block" or "throttle"`);
    const until = typeof d['until'] === 'string' ? Date.parse(d['until']) : d['until'];
    if (typeof until !== 'number' || Number.isNaN(until))
      throw new PolicyError(`${at}: until must be a time`);
    const out: Decision = {
      actor: d['actor'],
      action: d['action'],
      until,
      reason: typeof d['reason'] === 'string' ? d['reason'] : 'platform decision',
    };
    if (typeof d['ratePerSecond'] === 'number') out.ratePerSecond = d['ratePerSecond'];
    return out;
  });
}

export class PolicySync {
  private timer: NodeJS.Timeout | undefined;
  private mtime = -1;
  private running: Promise<void> | undefined;
  private filePatches: Patch[] = [];
  private serverPatches: Patch[] = [];

  constructor(private readonly opts: PolicyOptions) {}

  /** Loads once (a bad file is a configuration error and throws), then polls. */
  async start(): Promise<void> {
    if (this.opts.file) await this.loadFile(true);
    if (this.opts.server) await this.loadServer().catch((err) => this.opts.onError?.((err as Error).message));
    this.timer = setInterval(() => {
      this.running ??= this.poll().finally(() => {
        this.running = undefined;
      });
    }, this.opts.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One refresh now (tests and SIGHUP). */
  async poll(): Promise<void> {
    try {
      if (this.opts.file) await this.loadFile(false);
      if (this.opts.server) await this.loadServer();
    } catch (err) {
      this.opts.onError?.((err as Error).message);
    }
  }

  private async loadFile(first: boolean): Promise<void> {
    const file = this.opts.file!;
    let mtime: number;
    try {
      mtime = (await stat(file)).mtimeMs;
    } catch (err) {
      throw new PolicyError(`cannot read patches file ${file}: ${(err as NodeJS.ErrnoException).code ?? ''}`);
    }
    if (!first && mtime === this.mtime) return;
    const text = await readFile(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new PolicyError(`${file}: not JSON (${(err as Error).message})`);
    }
    const patches = parsePatches(json, file);
    const decisions = isObject(json) ? parseDecisions(json, file) : [];
    this.filePatches = patches;
    this.opts.guard.setPatches([...this.filePatches, ...this.serverPatches]);
    if (!this.opts.server) this.opts.guard.syncDecisions(decisions);
    this.mtime = mtime;
  }

  private async loadServer(): Promise<void> {
    const { url, token } = this.opts.server!;
    const get = async (path: string): Promise<unknown> => {
      const res = await fetch(new URL(path, url), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) {
        await res.arrayBuffer().catch(() => undefined);
        const why =
          res.status === 401 || res.status === 403
            ? ' (the token must be allowed to read patches and decisions)'
            : '';
        throw new PolicyError(`GET ${path}: HTTP ${res.status}${why}`);
      }
      return res.json();
    };
    const [patches, decisions] = await Promise.all([get('/api/v1/patches'), get('/api/v1/decisions')]);
    const p = parsePatches(patches, 'GET /api/v1/patches');
    const d = parseDecisions(decisions, 'GET /api/v1/decisions');
    this.serverPatches = p;
    this.opts.guard.setPatches([...this.filePatches, ...this.serverPatches]);
    this.opts.guard.syncDecisions(d);
  }
}
