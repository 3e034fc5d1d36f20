// Installation settings kept in meta under `settings`: defaults, and a tolerant read that fills in
// whatever an older or partial stored value lacks.

import type { PlatformSettings } from './store.js';

export const DEFAULT_SETTINGS: PlatformSettings = {
  retention: { days: 30, maxRows: 1_000_000 },
  masking: { types: {} },
  scanTargets: [],
  integrations: { webhooks: [] },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Settings from stored JSON (or nothing), every part defaulted. */
export function settingsFrom(json: string | undefined): PlatformSettings {
  let raw: unknown;
  try {
    raw = json ? JSON.parse(json) : {};
  } catch {
    raw = {};
  }
  const s = isObject(raw) ? raw : {};
  const retention = isObject(s['retention']) ? s['retention'] : {};
  const masking = isObject(s['masking']) && isObject(s['masking']['types']) ? s['masking']['types'] : {};
  const integrations = isObject(s['integrations']) ? s['integrations'] : {};
  const out: PlatformSettings = {
    retention: {
      days: typeof retention['days'] === 'number' ? retention['days'] : DEFAULT_SETTINGS.retention.days,
      maxRows:
        typeof retention['maxRows'] === 'number' ? retention['maxRows'] : DEFAULT_SETTINGS.retention.maxRows,
      ...(typeof retention['maxBytes'] === 'number' ? { maxBytes: retention['maxBytes'] } : {}),
    },
    masking: {
      types: Object.fromEntries(
        Object.entries(masking).filter(
          (e): e is [string, 'mask' | 'keep'] => e[1] === 'mask' || e[1] === 'keep',
        ),
      ),
    },
    scanTargets: Array.isArray(s['scanTargets'])
      ? s['scanTargets'].filter((t): t is string => typeof t === 'string')
      : [],
    integrations: {
      webhooks: Array.isArray(integrations['webhooks'])
        ? (integrations['webhooks'] as PlatformSettings['integrations']['webhooks'])
        : [],
    },
  };
  const org = s['organisation'];
  if (isObject(org)) {
    out.organisation = {};
    if (typeof org['industry'] === 'string') out.organisation.industry = org['industry'];
    if (typeof org['country'] === 'string') out.organisation.country = org['country'];
  }
  const syslog = integrations['syslog'];
  if (isObject(syslog) && typeof syslog['host'] === 'string' && typeof syslog['port'] === 'number')
    out.integrations.syslog = { host: syslog['host'], port: syslog['port'] };
  if (typeof integrations['ocsf'] === 'boolean') out.integrations.ocsf = integrations['ocsf'];
  return out;
}
