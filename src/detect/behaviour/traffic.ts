// Behaviours read from plain traffic shape:
// - scraping: one actor walking many pages of a list endpoint fast, or pulling a large volume;
// - token sharing: one credential used from many addresses and user agents at once;
// - 404/405 sprays: one actor probing many paths that do not exist (looking for shadow endpoints).

import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { Distinct } from '../sketch.js';
import {
  actorEndpointOf,
  type Behaviour,
  type BehaviourContext,
  minutes,
  pct,
  remember,
  responseBytes,
  type Windowed,
  WindowedTable,
} from './common.js';

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

export class ScrapingDetector implements Behaviour {
  readonly name = 'scraping';
  private readonly table: WindowedTable<ScrapeState>;
  constructor(private readonly config: DetectConfig) {
    this.table = new WindowedTable(config, (start) => ({
      start,
      recent: [],
      pages: new Distinct(64),
      calls: 0,
      bytes: 0,
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
    if (page === undefined && bytes < 65536) return [];
    const s = this.table.at(actorEndpointOf(facts), facts.ex.time);
    s.calls++;
    s.bytes += bytes;
    if (page !== undefined) s.pages.add(page);
    remember(s, facts.ex);
    const t = this.config.thresholds.scraping;
    const pages = s.pages.count();
    if (pages >= t.pages) {
      return [
        {
          type: 'behaviour.scraping',
          severity: 'medium',
          owasp: 'API6:2023',
          key: 'pages',
          explanation: `${pages} distinct pages of ${facts.method} ${facts.template} in ${minutes(this.config)} (${s.calls} calls, ${(s.bytes / 1048576).toFixed(1)} MB; threshold ${t.pages} pages)`,
          related: s.recent,
        },
      ];
    }
    if (s.bytes >= t.bytes) {
      return [
        {
          type: 'behaviour.scraping',
          severity: 'medium',
          owasp: 'API6:2023',
          key: 'volume',
          explanation: `${(s.bytes / 1048576).toFixed(1)} MB pulled from ${facts.method} ${facts.template} in ${s.calls} calls within ${minutes(this.config)} (threshold ${(t.bytes / 1048576).toFixed(1)} MB)`,
          related: s.recent,
        },
      ];
    }
    return [];
  }
  state() {
    return { scraping: this.table.stats() };
  }
}

interface ShareState extends Windowed {
  addresses: Distinct;
  agents: Distinct;
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
    }));
  }
  observe({ facts }: BehaviourContext): Detection[] {
    if (!CREDENTIAL_KINDS.has(facts.actorKind) || !facts.address) return [];
    const s = this.table.at(facts.actor, facts.ex.time);
    const before = s.addresses.count();
    s.addresses.add(facts.address);
    s.agents.add(facts.ex.request.headers['user-agent'] ?? '');
    if (s.addresses.count() > before || s.recent.length < 3) remember(s, facts.ex);
    const t = this.config.thresholds.tokenSharing;
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
  private readonly table: WindowedTable<SprayState>;
  constructor(private readonly config: DetectConfig) {
    this.table = new WindowedTable(config, (start) => ({
      start,
      recent: [],
      total: 0,
      misses: 0,
      paths: new Distinct(64),
    }));
  }
  observe({ facts }: BehaviourContext): Detection[] {
    if (facts.status === undefined) return [];
    const s = this.table.at(facts.actor, facts.ex.time);
    s.total++;
    const miss = facts.status === 404 || facts.status === 405;
    if (!miss) return [];
    s.misses++;
    s.paths.add(`${facts.method} ${facts.host}${facts.ex.request.path}`);
    remember(s, facts.ex);
    const t = this.config.thresholds.notFound;
    const paths = s.paths.count();
    const ratio = s.misses / s.total;
    if (paths >= t.paths && ratio >= t.ratio) {
      return [
        {
          type: 'behaviour.not-found-spray',
          scope: 'actor',
          severity: 'medium',
          owasp: 'API9:2023',
          explanation: `${paths} distinct paths answered 404/405 in ${minutes(this.config)}, ${pct(ratio)} of this actor's ${s.total} calls (thresholds: ${t.paths} paths, ${pct(t.ratio)})`,
          related: s.recent,
        },
      ];
    }
    return [];
  }
  state() {
    return { 'not-found-spray': this.table.stats() };
  }
}
