// Attacks on login-like endpoints:
// - credential stuffing from one actor/address: many usernames, most attempts failing;
// - distributed stuffing: the same client fingerprint (user agent, accept-language, header order)
//   trying many usernames from many addresses, most failing;
// - distributed stuffing spread wider still (a botnet rotating agents as well as addresses): one
//   login endpoint failing for many usernames from many addresses, most attempts failing;
// - brute force: many failures against one account with many different passwords (counted per
//   account in count-min sketches, which never under-count, rotated each window).
// Each judged in the window and in the long window (slow attackers). A shared office address (many
// users, most logging in fine), a user mistyping twice, and an app retrying a stale saved password
// (the same password again and again) are none of these.

import { createHash } from 'node:crypto';
import type { Exchange } from '../../model/index.js';
import type { Detection } from '../alerts.js';
import type { DetectConfig } from '../config.js';
import { CountMinSketch, Distinct, LruMap } from '../sketch.js';
import {
  type Behaviour,
  type BehaviourContext,
  HorizonTable,
  minutes,
  pct,
  remember,
  type Windowed,
  WindowedTable,
} from './common.js';

const LOGIN_PATH =
  /(?:^|\/)(?:log-?in|sign-?in|signon|auth(?:enticate)?|session|sessions|token|oauth\/token|connect\/token)(?:\/|$|\.)/i;
const USER_FIELDS = /^(?:user(?:_?name)?|login|e-?mail|account|user_?id|phone|mobile|client_id|id)$/i;
const PASSWORD_FIELDS = /^(?:pass(?:word|wd|code)?|pwd|secret|client_secret|pin|credentials?)$/i;

interface ActorState extends Windowed {
  users: Distinct;
  attempts: number;
  failures: number;
}
interface FingerprintState extends ActorState {
  addresses: Distinct;
}

/** Per-account counts of one horizon, in count-min sketches cleared when its window turns. */
interface AccountSketches {
  window: number;
  ms: number;
  factor: number;
  label: string;
  attempts: CountMinSketch;
  failures: CountMinSketch;
  /** Distinct failed passwords per account, and the account+password pairs seen (to know "new"). */
  guesses: CountMinSketch;
  pairs: CountMinSketch;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The username an attempt names, whether the body carries a password, and a short hash of it
 * (never the value: only to tell a retried password from a new guess). */
export function credentialsIn(
  body: unknown,
  ex: Exchange,
): { user?: string; password: boolean; passwordHash?: string } {
  let user: string | undefined;
  let password = false;
  let secret: string | undefined;
  const top = asRecord(body);
  const scan = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' || typeof v === 'number') {
        if (user === undefined && USER_FIELDS.test(k) && String(v).length > 0) user = String(v).toLowerCase();
        if (PASSWORD_FIELDS.test(k)) {
          password = true;
          secret ??= String(v);
        }
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
      secret = decoded.slice(colon + 1);
    }
  }
  return {
    ...(user !== undefined ? { user } : {}),
    password,
    ...(secret !== undefined
      ? { passwordHash: createHash('sha256').update(secret).digest('hex').slice(0, 16) }
      : {}),
  };
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
  private readonly actors: HorizonTable<ActorState>;
  private readonly fingerprints: WindowedTable<FingerprintState>;
  /** Per login endpoint, all callers together. */
  private readonly endpoints: WindowedTable<FingerprintState>;
  private readonly accounts: AccountSketches[];
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
    this.actors = new HorizonTable(config, make);
    this.fingerprints = new WindowedTable(config, (start) => ({ ...make(start), addresses: new Distinct() }));
    this.endpoints = new WindowedTable(config, (start) => ({ ...make(start), addresses: new Distinct() }));
    this.accounts = this.actors.horizons.map((h) => ({
      window: Number.NaN,
      ms: h.seconds * 1000,
      factor: h.factor,
      label: h.label,
      attempts: new CountMinSketch(8192, 4),
      failures: new CountMinSketch(8192, 4),
      guesses: new CountMinSketch(8192, 4),
      pairs: new CountMinSketch(16384, 4),
    }));
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

    let stuffing: Detection | undefined;
    const states = this.actors.at(facts.actor, facts.ex.time);
    for (let i = 0; i < states.length; i++) {
      const h = this.actors.horizons[i]!;
      const a = states[i]!;
      a.attempts++;
      if (failed) a.failures++;
      a.users.add(userHash);
      remember(a, facts.ex);
      if (stuffing !== undefined || !failed) continue;
      const users = a.users.count();
      const ratio = a.failures / a.attempts;
      const minUsers = t.stuffing.minUsernames * h.factor;
      if (users >= minUsers && ratio >= t.stuffing.failureRatio) {
        stuffing = {
          type: 'behaviour.credential-stuffing',
          severity: 'high',
          owasp: 'API2:2023',
          explanation: `${users} distinct usernames in ${a.attempts} login attempts within ${h.label}, ${pct(ratio)} failed (thresholds: ${minUsers} usernames, ${pct(t.stuffing.failureRatio)} failed)`,
          related: a.recent,
        };
      }
    }
    if (stuffing) out.push(stuffing);

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

    // The login endpoint as a whole: a botnet rotating addresses and agents still fails en masse here.
    const e = this.endpoints.at(facts.endpoint, facts.ex.time);
    e.attempts++;
    if (failed) e.failures++;
    e.users.add(userHash);
    if (facts.address) e.addresses.add(facts.address);
    remember(e, facts.ex);
    if (failed && e.failures >= t.stuffing.endpointFailures) {
      const eRatio = e.failures / e.attempts;
      const eUsers = e.users.count();
      const eAddr = e.addresses.count();
      if (
        eRatio >= t.stuffing.failureRatio &&
        eUsers >= t.stuffing.distributedUsernames &&
        eAddr >= t.stuffing.distributedAddresses
      ) {
        out.push({
          type: 'behaviour.credential-stuffing',
          severity: 'high',
          owasp: 'API2:2023',
          actor: `endpoint:${facts.endpoint}`,
          key: 'endpoint',
          explanation: `distributed stuffing: ${e.failures} of ${e.attempts} logins on ${facts.method} ${facts.template} failed within ${minutes(this.config)} (${pct(eRatio)}), for ${eUsers} usernames from ${eAddr} addresses (thresholds: ${t.stuffing.endpointFailures} failures, ${pct(t.stuffing.failureRatio)} failed, ${t.stuffing.distributedUsernames} usernames, ${t.stuffing.distributedAddresses} addresses)`,
          related: e.recent,
        });
      }
    }

    // Brute force on one account, counted across all actors in count-min sketches per horizon.
    const account = `${facts.host}\u0000${userHash}`;
    let brute: Detection | undefined;
    let recent: Windowed | undefined;
    for (const k of this.accounts) {
      const w = Math.floor(facts.ex.time / k.ms);
      if (w !== k.window) {
        k.attempts.clear();
        k.failures.clear();
        k.guesses.clear();
        k.pairs.clear();
        k.window = w;
      }
      const attempts = k.attempts.add(account);
      if (!failed) continue;
      const failures = k.failures.add(account);
      // A password not seen before for this account is a new guess (an estimate of 0 is exact: the
      // sketch never under-counts); without a password value every failure counts as one.
      let guesses: number;
      if (creds.passwordHash === undefined) guesses = k.guesses.add(account);
      else {
        const pair = `${account}\u0000${creds.passwordHash}`;
        guesses = k.pairs.estimate(pair) === 0 ? k.guesses.add(account) : k.guesses.estimate(account);
        k.pairs.add(pair);
      }
      if (recent === undefined) {
        recent = this.accountRecent.upsert(account, () => ({ start: facts.ex.time, recent: [] }));
        remember(recent, facts.ex);
      }
      if (brute !== undefined) continue;
      const bRatio = failures / Math.max(attempts, failures);
      const minFailures = t.bruteForce.failures * k.factor;
      const minGuesses = t.bruteForce.passwords * k.factor;
      if (failures >= minFailures && guesses >= minGuesses && bRatio >= t.bruteForce.failureRatio) {
        brute = {
          type: 'behaviour.brute-force',
          severity: 'high',
          owasp: 'API2:2023',
          key: userHash,
          explanation: `${failures} failed logins with ${guesses} different passwords for account ${maskUser(creds.user)} in this ${k.label} window (thresholds ${minFailures} failures, ${minGuesses} passwords; count-min estimate, never under)`,
          related: recent.recent,
        };
      }
    }
    if (brute) out.push(brute);
    return out;
  }

  state() {
    return {
      'login-actors': this.actors.stats(),
      'login-fingerprints': this.fingerprints.stats(),
      'login-endpoints': this.endpoints.stats(),
      'login-accounts': {
        size: this.accountRecent.size,
        max: this.accountRecent.max,
        evicted: this.accountRecent.evicted,
      },
    };
  }
}
