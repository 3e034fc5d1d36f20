// Attacks on login-like endpoints:
// - credential stuffing from one actor/address: many usernames, most attempts failing;
// - distributed stuffing: the same client fingerprint (user agent, accept-language, header order)
//   trying many usernames from many addresses, most failing;
// - brute force: many failures against one account (counted per account in a count-min sketch,
//   which never under-counts, rotated each window).
// A shared office address (many users, most logging in fine) and a user mistyping twice are neither.

import { createHash } from 'node:crypto';
import type { Exchange } from '../../model/index.js';
import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { CountMinSketch, Distinct, LruMap } from '../sketch.js';
import {
  type Behaviour,
  type BehaviourContext,
  minutes,
  pct,
  remember,
  type Windowed,
  WindowedTable,
} from './common.js';

const LOGIN_PATH =
  /(?:^|\/)(?:log-?in|sign-?in|signon|auth(?:enticate)?|session|sessions|token|oauth\/token|connect\/token)(?:\/|$|\.)/i;
const USER_FIELDS = /^(?:user(?:_?name)?|login|e-?mail|account|user_?id|phone|mobile|client_id|id)$/i;
const PASSWORD_FIELDS = /^(?:pass(?:word|wd|code)?|pwd|secret|pin|credentials?)$/i;

interface ActorState extends Windowed {
  users: Distinct;
  attempts: number;
  failures: number;
}
interface FingerprintState extends ActorState {
  addresses: Distinct;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The username an attempt names, and whether the body carries a password at all. */
export function credentialsIn(body: unknown, ex: Exchange): { user?: string; password: boolean } {
  let user: string | undefined;
  let password = false;
  const top = asRecord(body);
  const scan = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' || typeof v === 'number') {
        if (user === undefined && USER_FIELDS.test(k) && String(v).length > 0) user = String(v).toLowerCase();
        if (PASSWORD_FIELDS.test(k)) password = true;
      }
    }
  };
  if (top) {
    scan(top);
    for (const v of Object.values(top)) {
      const inner = asRecord(v);
      if (inner) scan(inner);
    }
  }
  const auth = ex.request.headers['authorization'];
  if (user === undefined && auth && /^basic\s+/i.test(auth)) {
    const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      user = decoded.slice(0, colon).toLowerCase();
      password = true;
    }
  }
  return { ...(user !== undefined ? { user } : {}), password };
}

/** What stays the same when one tool runs from many addresses. */
export function clientFingerprint(ex: Exchange): string {
  const h = ex.request.headers;
  const order = Object.keys(h).join(',');
  return createHash('sha256')
    .update(`${h['user-agent'] ?? ''}\n${h['accept-language'] ?? ''}\n${h['accept'] ?? ''}\n${order}`)
    .digest('hex')
    .slice(0, 12);
}

function maskUser(user: string): string {
  const at = user.indexOf('@');
  if (at > 0) return `${user[0]}***${user.slice(at)}`;
  return user.length <= 2 ? '***' : `${user[0]}***${user[user.length - 1]}`;
}

export class LoginDetector implements Behaviour {
  readonly name = 'login';
  private readonly actors: WindowedTable<ActorState>;
  private readonly fingerprints: WindowedTable<FingerprintState>;
  private current = new CountMinSketch(8192, 4);
  private previous = new CountMinSketch(8192, 4);
  private attemptsCur = new CountMinSketch(8192, 4);
  private sketchWindow = Number.NaN;
  /** Recent evidence per account being brute-forced (bounded). */
  private readonly accountRecent: LruMap<string, Windowed>;

  constructor(private readonly config: DetectConfig) {
    const make = (start: number): ActorState => ({
      start,
      recent: [],
      users: new Distinct(),
      attempts: 0,
      failures: 0,
    });
    this.actors = new WindowedTable(config, make);
    this.fingerprints = new WindowedTable(config, (start) => ({ ...make(start), addresses: new Distinct() }));
    this.accountRecent = new LruMap(Math.max(16, Math.floor(config.maxStateEntries / 4)));
  }

  observe({ facts, request }: BehaviourContext): Detection[] {
    if (facts.method !== 'POST' || facts.status === undefined) return [];
    const creds = credentialsIn(request, facts.ex);
    const loginPath = LOGIN_PATH.test(facts.template);
    if (!loginPath && !(creds.password && creds.user !== undefined)) return [];
    if (creds.user === undefined) return [];
    const failed = facts.status >= 400 && facts.status < 500;
    const out: Detection[] = [];
    const t = this.config.thresholds;
    const userHash = createHash('sha256').update(creds.user).digest('hex').slice(0, 12);

    const a = this.actors.at(facts.actor, facts.ex.time);
    a.attempts++;
    if (failed) a.failures++;
    a.users.add(userHash);
    remember(a, facts.ex);
    const users = a.users.count();
    const ratio = a.failures / a.attempts;
    if (failed && users >= t.stuffing.minUsernames && ratio >= t.stuffing.failureRatio) {
      out.push({
        type: 'behaviour.credential-stuffing',
        severity: 'high',
        owasp: 'API2:2023',
        explanation: `${users} distinct usernames in ${a.attempts} login attempts within ${minutes(this.config)}, ${pct(ratio)} failed (thresholds: ${t.stuffing.minUsernames} usernames, ${pct(t.stuffing.failureRatio)} failed)`,
        related: a.recent,
      });
    }

    const fp = clientFingerprint(facts.ex);
    const f = this.fingerprints.at(fp, facts.ex.time);
    f.attempts++;
    if (failed) f.failures++;
    f.users.add(userHash);
    if (facts.address) f.addresses.add(facts.address);
    remember(f, facts.ex);
    const fUsers = f.users.count();
    const fAddr = f.addresses.count();
    const fRatio = f.failures / f.attempts;
    if (
      failed &&
      fAddr >= t.stuffing.distributedAddresses &&
      fUsers >= t.stuffing.distributedUsernames &&
      fRatio >= t.stuffing.failureRatio
    ) {
      out.push({
        type: 'behaviour.credential-stuffing',
        severity: 'high',
        owasp: 'API2:2023',
        actor: `fp:${fp}`,
        key: 'distributed',
        explanation: `distributed stuffing: one client fingerprint (user agent + header order) tried ${fUsers} usernames from ${fAddr} addresses in ${minutes(this.config)}, ${pct(fRatio)} failed (thresholds: ${t.stuffing.distributedAddresses} addresses, ${t.stuffing.distributedUsernames} usernames)`,
        related: f.recent,
      });
    }

    // Brute force on one account, counted across all actors in a rotating count-min sketch.
    const w = Math.floor(facts.ex.time / (this.config.windowSeconds * 1000));
    if (w !== this.sketchWindow) {
      if (w === this.sketchWindow + 1) {
        const old = this.previous;
        this.previous = this.current;
        this.current = old;
        this.current.clear();
      } else {
        this.current.clear();
        this.previous.clear();
      }
      this.attemptsCur.clear();
      this.sketchWindow = w;
    }
    const account = `${facts.host}\u0000${userHash}`;
    const attempts = this.attemptsCur.add(account);
    if (failed) {
      const failures = this.current.add(account);
      const recent = this.accountRecent.upsert(account, () => ({ start: facts.ex.time, recent: [] }));
      remember(recent, facts.ex);
      const bRatio = failures / Math.max(attempts, failures);
      if (failures >= t.bruteForce.failures && bRatio >= t.bruteForce.failureRatio) {
        out.push({
          type: 'behaviour.brute-force',
          severity: 'high',
          owasp: 'API2:2023',
          key: userHash,
          explanation: `${failures} failed logins for account ${maskUser(creds.user)} in this ${minutes(this.config)} window (threshold ${t.bruteForce.failures}; count-min estimate, never under)`,
          related: recent.recent,
        });
      }
    }
    return out;
  }

  state() {
    return {
      'login-actors': this.actors.stats(),
      'login-fingerprints': this.fingerprints.stats(),
      'login-accounts': {
        size: this.accountRecent.size,
        max: this.accountRecent.max,
        evicted: this.accountRecent.evicted,
      },
    };
  }
}
