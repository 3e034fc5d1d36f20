// Behaviours read from plain traffic shape:
// - scraping: one actor walking many pages of a list endpoint fast, or pulling a large volume, or
//   reading many distinct detail pages (`/products/{slug}`) one after the other at a machine's steady
//   pace — people browsing read a handful, in bursts and pauses;
// - token sharing: one credential used from many addresses and user agents at once, or alternating
//   between two regions of the address registry (another continent) call after call — a replayed
//   token used by its owner and by someone abroad with a copied user agent;
// - 404/405 sprays: one actor probing many paths that do not exist (looking for shadow endpoints).
//   A CI job re-trying the same routes while a deploy rolls out repeats its paths, on routes that
//   answered before (remembered in a Bloom filter); a spray tries new paths that never existed.

import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { Distinct } from '../sketch.js';
import {
  actorEndpointOf,
  type Behaviour,
  type BehaviourContext,
  HorizonTable,
  KnownPaths,
  minutes,
  pct,
  remember,
  responseBytes,
  type Windowed,
  WindowedTable,
} from './common.js';
import { regionOf } from './regions.js';

const PAGE_PARAMS = new Set([
  'page',
  'p',
  'offset',
  'skip',
  'start',
  'cursor',
  'after',
  'before',
  'from',
  'page[number]',
  'page[offset]',
  'page[cursor]',
  'pagetoken',
  'page_token',
  'next',
  'marker',
  'continuationtoken',
  'starting_after',
]);

interface ScrapeState extends Windowed {
  pages: Distinct;
  calls: number;
  bytes: number;
}

/** Detail pages of one collection read by one actor: distinct objects and the pace between calls. */
interface ItemState extends Windowed {
  items: Distinct;
  calls: number;
  last: number;
  /** Gaps between calls (ms): count, mean and sum of squared deviations (Welford). */
  gaps: number;
  mean: number;
  m2: number;
}

/** Gaps this regular (coefficient of variation) read as a machine's schedule; people browse in
 * bursts and pauses (CV ≥ 1). Far above the threshold (×3) the count alone is enough. The threshold
 * is `scraping.items` for a client without credentials and five times that for a signed-in one. */
const STEADY_CV = 0.6;

/** `/api/v1/products/{slug}` → `/api/v1/products`: a GET of one object under a collection, either
 * templated by the inventory or a slug-like last segment (digits or dashes) under ≥ 2 segments. */
function collectionOf(template: string, path: string): string | undefined {
  if (template.endsWith('}')) {
    const cut = template.lastIndexOf('/');
    return cut > 0 ? template.slice(0, cut) : undefined;
  }
  return slugParent(path);
}

function slugParent(path: string): string | undefined {
  const cut = path.lastIndexOf('/');
  if (cut <= 0 || cut === path.length - 1) return undefined;
  const last = path.slice(cut + 1);
  if (last.length < 3 || !/[-_\d]/.test(last) || last.includes('.')) return undefined;
  const parent = path.slice(0, cut);
  let slashes = 0;
  for (let i = 0; i < parent.length; i++) if (parent.charCodeAt(i) === 47) slashes++;
  return slashes >= 2 ? parent : undefined;
}

export class ScrapingDetector implements Behaviour {
  readonly name = 'scraping';
  private readonly horizons: HorizonTable<ScrapeState>;
  private readonly items: HorizonTable<ItemState>;
  constructor(private readonly config: DetectConfig) {
    this.horizons = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      pages: new Distinct(64),
      calls: 0,
      bytes: 0,
    }));
    this.items = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      items: new Distinct(64),
      calls: 0,
      last: -1,
      gaps: 0,
      mean: 0,
      m2: 0,
    }));
  }
  observe({ facts }: BehaviourContext): Detection[] {
    if (facts.method !== 'GET' || facts.status === undefined || facts.status >= 300 || facts.status < 200)
      return [];
    let page: string | undefined;
    for (const [name, value] of facts.ex.request.query) {
      if (PAGE_PARAMS.has(name.toLowerCase())) {
        page = `${name}=${value}`;
        break;
      }
    }
    const bytes = responseBytes(facts.ex);
    if (page === undefined && bytes < 65536) return this.detailPages(facts);
    const key = actorEndpointOf(facts);
    const t = this.config.thresholds.scraping;
    let out: Detection | undefined;
    const states = this.horizons.at(key, facts.ex.time);
    for (let i = 0; i < states.length; i++) {
      const h = this.horizons.horizons[i]!;
      const s = states[i]!;
      s.calls++;
      s.bytes += bytes;
      if (page !== undefined) s.pages.add(page);
      remember(s, facts.ex);
      if (out !== undefined) continue;
      const pages = s.pages.count();
      const minPages = t.pages * h.factor;
      const minBytes = t.bytes * h.factor;
      if (pages >= minPages) {
        out = {
          type: 'behaviour.scraping',
          severity: 'medium',
          owasp: 'API6:2023',
          key: 'pages',
          explanation: `${pages} distinct pages of ${facts.method} ${facts.template} in ${h.label} (${s.calls} calls, ${(s.bytes / 1048576).toFixed(1)} MB; threshold ${minPages} pages)`,
          related: s.recent,
        };
      } else if (s.bytes >= minBytes) {
        out = {
          type: 'behaviour.scraping',
          severity: 'medium',
          owasp: 'API6:2023',
          key: 'volume',
          explanation: `${(s.bytes / 1048576).toFixed(1)} MB pulled from ${facts.method} ${facts.template} in ${s.calls} calls within ${h.label} (threshold ${(minBytes / 1048576).toFixed(1)} MB)`,
          related: s.recent,
        };
      }
    }
    return out === undefined ? [] : [out];
  }
  /** Many distinct objects of one collection, one detail page after another at a steady pace. */
  private detailPages(facts: BehaviourContext['facts']): Detection[] {
    const path = facts.ex.request.path;
    // A templated item endpoint is keyed as the other per actor-and-endpoint tables are (the key is
    // built once per exchange); only an untemplated slug path builds a key of its own.
    let key: string;
    if (facts.template.charCodeAt(facts.template.length - 1) === 125 /* } */) key = actorEndpointOf(facts);
    else {
      const parent = slugParent(path);
      if (parent === undefined) return [];
      key = `${facts.actor} GET ${facts.host}${parent}/*`;
    }
    const object = path.slice(path.lastIndexOf('/') + 1);
    const t = this.config.thresholds.scraping;
    const states = this.items.at(key, facts.ex.time);
    let out: Detection | undefined;
    for (let i = 0; i < states.length; i++) {
      const h = this.items.horizons[i]!;
      const s = states[i]!;
      s.calls++;
      s.items.add(object);
      if (s.last >= 0) {
        const gap = facts.ex.time - s.last;
        s.gaps++;
        const d = gap - s.mean;
        s.mean += d / s.gaps;
        s.m2 += d * (gap - s.mean);
      }
      s.last = facts.ex.time;
      remember(s, facts.ex);
      if (out !== undefined) continue;
      const items = s.items.count();
      // A signed-in client syncing the objects it was given reads many at a steady pace by design;
      // catalogue scrapers mostly come without credentials. Credentialed actors need 5× as many.
      const min = t.items * h.factor * (facts.actorKind === 'address' ? 1 : 5);
      if (items < min || s.gaps < 2) continue;
      const cv = s.mean > 0 ? Math.sqrt(s.m2 / s.gaps) / s.mean : 0;
      if (cv >= STEADY_CV && items < 3 * min) continue;
      const collection = collectionOf(facts.template, path);
      out = {
        type: 'behaviour.scraping',
        severity: 'medium',
        owasp: 'API6:2023',
        key: 'items',
        explanation: `${items} distinct objects of GET ${collection}/{…} read one by one in ${h.label} (${s.calls} calls, one every ${(s.mean / 1000).toFixed(1)} s, pace variation ${cv.toFixed(2)}; thresholds ${min} objects at variation under ${STEADY_CV}, or ${3 * min})`,
        related: s.recent,
      };
    }
    return out === undefined ? [] : [out];
  }
  state() {
    return { scraping: this.horizons.stats(), 'scraping-items': this.items.stats() };
  }
}

interface ShareState extends Windowed {
  addresses: Distinct;
  agents: Distinct;
  /** Registry region of the last IPv4 call, and how often consecutive calls changed region. */
  region: string | undefined;
  switches: number;
  regions: Set<string>;
}

const CREDENTIAL_KINDS = new Set(['jwt', 'api-key', 'session', 'basic']);

export class TokenSharingDetector implements Behaviour {
  readonly name = 'token-sharing';
  private readonly table: WindowedTable<ShareState>;
  constructor(private readonly config: DetectConfig) {
    this.table = new WindowedTable(config, (start) => ({
      start,
      recent: [],
      addresses: new Distinct(),
      agents: new Distinct(),
      region: undefined,
      switches: 0,
      regions: new Set(),
    }));
  }
  observe({ facts }: BehaviourContext): Detection[] {
    if (!CREDENTIAL_KINDS.has(facts.actorKind) || !facts.address) return [];
    const s = this.table.at(facts.actor, facts.ex.time);
    const before = s.addresses.count();
    s.addresses.add(facts.address);
    s.agents.add(facts.ex.request.headers['user-agent'] ?? '');
    const region = regionOf(facts.address);
    let switched = false;
    if (region !== undefined) {
      if (s.region !== undefined && s.region !== region) {
        s.switches++;
        switched = true;
      }
      s.region = region;
      if (s.regions.size < 8) s.regions.add(region);
    }
    if (s.addresses.count() > before || switched || s.recent.length < 3) remember(s, facts.ex);
    const t = this.config.thresholds.tokenSharing;
    if (s.switches >= t.regionSwitches) {
      return [
        {
          type: 'behaviour.token-sharing',
          scope: 'actor',
          severity: 'high',
          owasp: 'API2:2023',
          key: 'regions',
          explanation: `one ${facts.actorKind} credential alternated ${s.switches} times between address regions ${[...s.regions].sort().join(' and ')} (address registries: different continents) within ${minutes(this.config)}, from ${s.addresses.count()} addresses (threshold ${t.regionSwitches} alternations)`,
          related: s.recent,
        },
      ];
    }
    const addresses = s.addresses.count();
    const agents = s.agents.count();
    if ((addresses >= t.addresses && agents >= t.agents) || addresses >= t.addressesAlone) {
      return [
        {
          type: 'behaviour.token-sharing',
          scope: 'actor',
          severity: addresses >= t.addresses && agents >= t.agents ? 'high' : 'medium',
          owasp: 'API2:2023',
          explanation: `one ${facts.actorKind} credential used from ${addresses} addresses with ${agents} user agents within ${minutes(this.config)} (thresholds: ${t.addresses} addresses and ${t.agents} agents, or ${t.addressesAlone} addresses)`,
          related: s.recent,
        },
      ];
    }
    return [];
  }
  state() {
    return { 'token-sharing': this.table.stats() };
  }
}

interface SprayState extends Windowed {
  total: number;
  misses: number;
  paths: Distinct;
}

export class NotFoundSprayDetector implements Behaviour {
  readonly name = 'not-found-spray';
  private readonly known = new KnownPaths();
  private readonly horizons: HorizonTable<SprayState>;
  constructor(private readonly config: DetectConfig) {
    this.horizons = new HorizonTable(config, (start) => ({
      start,
      recent: [],
      total: 0,
      misses: 0,
      paths: new Distinct(64),
    }));
  }
  observe({ facts }: BehaviourContext): Detection[] {
    const status = facts.status;
    if (status === undefined) return [];
    const miss = status === 404 || status === 405;
    if (status >= 200 && status < 300) this.known.add(facts.ex.request.path);
    // A route that has answered before and now misses is gone (a deploy), not probed for.
    const probe = miss && !this.known.has(facts.ex.request.path);
    const t = this.config.thresholds.notFound;
    let out: Detection | undefined;
    let path: string | undefined;
    // An actor's state starts with its first miss (most never miss: no state, one lookup).
    const states = miss
      ? this.horizons.at(facts.actor, facts.ex.time)
      : this.horizons.existing(facts.actor, facts.ex.time);
    if (states === undefined) return [];
    for (let i = 0; i < states.length; i++) {
      const h = this.horizons.horizons[i]!;
      const s = states[i]!;
      s.total++;
      if (!miss) continue;
      s.misses++;
      if (!probe) continue;
      path ??= `${facts.method} ${facts.host}${facts.ex.request.path}`;
      s.paths.add(path);
      remember(s, facts.ex);
      if (out !== undefined) continue;
      const paths = s.paths.count();
      const ratio = s.misses / s.total;
      const minPaths = t.paths * h.factor;
      if (paths >= minPaths && ratio >= t.ratio && paths >= s.misses * t.newPathRatio) {
        out = {
          type: 'behaviour.not-found-spray',
          scope: 'actor',
          severity: 'medium',
          owasp: 'API9:2023',
          explanation: `${paths} distinct paths answered 404/405 in ${h.label}, ${pct(ratio)} of this actor's ${s.total} calls (thresholds: ${minPaths} paths, ${pct(t.ratio)})`,
          related: s.recent,
        };
      }
    }
    return out === undefined ? [] : [out];
  }
  state() {
    return { 'not-found-spray': this.horizons.stats() };
  }
}
