// Installation settings over the API: GET for every reader, PUT for admins. Retention and masking
// take effect at once (the pipeline's masking options are changed in place; retention runs now and
// on its hourly timer). Webhook secrets are write-only: a PUT sets them, no answer returns them, and a
// webhook sent again without its secret keeps the one it had.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MaskOptions } from '../pipeline/index.js';
import type { PlatformSettings, PlatformStore } from '../store/index.js';
import { invalid, type RouteContext } from './context.js';
import { originOf } from './scans.js';
import { schemas } from './schemas.js';

/** Settings as answered: webhook secrets replaced by whether one is set. */
export function publicSettings(s: PlatformSettings) {
  return {
    ...s,
    integrations: {
      ...s.integrations,
      webhooks: s.integrations.webhooks.map(({ secret, ...w }) => ({ ...w, signed: Boolean(secret) })),
    },
  };
}

/** Deletes retained exchanges beyond the retention settings; returns how many. */
export function applyRetention(store: PlatformStore, s: PlatformSettings, now = Date.now()): Promise<number> {
  return store.pruneExchanges({
    before: now - s.retention.days * 86_400_000,
    maxRows: s.retention.maxRows,
    ...(s.retention.maxBytes !== undefined ? { maxBytes: s.retention.maxBytes } : {}),
  });
}

/** Points the pipeline's masking options at the settings' per-type actions. */
export function applyMasking(mask: MaskOptions | undefined, s: PlatformSettings): void {
  if (mask) mask.types = { ...s.masking.types };
}

type SettingsBody = Partial<Omit<PlatformSettings, 'integrations'>> & {
  integrations?: Partial<PlatformSettings['integrations']>;
};

export function registerSettingsRoutes(
  app: FastifyInstance,
  ctx: RouteContext & {
    mask?: MaskOptions | undefined;
    onChange?: ((s: PlatformSettings) => unknown) | undefined;
  },
): void {
  const { store } = ctx;
  app.get('/api/v1/settings', { schema: schemas.settings, config: { access: 'read' } }, async () =>
    publicSettings(await store.getSettings()),
  );

  app.put(
    '/api/v1/settings',
    { schema: schemas.settingsPut, config: { access: 'admin' } },
    async (req: FastifyRequest<{ Body: SettingsBody }>, reply: FastifyReply) => {
      const b = req.body;
      const current = await store.getSettings();
      const next: PlatformSettings = {
        retention: b.retention ?? current.retention,
        masking: b.masking ?? current.masking,
        ...(b.organisation
          ? { organisation: b.organisation }
          : current.organisation
            ? { organisation: current.organisation }
            : {}),
        scanTargets: current.scanTargets,
        integrations: { ...current.integrations, ...(b.integrations ?? {}) },
      };
      if (b.scanTargets) {
        const origins: string[] = [];
        for (const [i, t] of b.scanTargets.entries()) {
          const o = originOf(t);
          if (!o) return reply.code(400).send(invalid(`body.scanTargets.${i}`, `${t} is not an http(s) URL`));
          if (!origins.includes(o)) origins.push(o);
        }
        next.scanTargets = origins;
      }
      if (b.integrations?.webhooks) {
        const before = new Map(current.integrations.webhooks.map((w) => [w.url, w.secret]));
        next.integrations.webhooks = [];
        for (const [i, w] of b.integrations.webhooks.entries()) {
          const u = originOf(w.url);
          if (!u)
            return reply.code(400).send(invalid(`body.integrations.webhooks.${i}.url`, 'not an http(s) URL'));
          const secret = w.secret ?? before.get(w.url);
          next.integrations.webhooks.push({ url: w.url, events: w.events, ...(secret ? { secret } : {}) });
        }
      }
      await store.putSettings(next);
      applyMasking(ctx.mask, next);
      await ctx.onChange?.(next);
      await ctx.audit(req, 'settings.update', 'settings', {
        changed: Object.keys(b),
        ...(b.retention ? { retention: b.retention } : {}),
        ...(b.masking ? { masking: b.masking } : {}),
        ...(b.scanTargets ? { scanTargets: next.scanTargets } : {}),
      });
      return publicSettings(next);
    },
  );
}
