// Inventory: every endpoint in one windowed table, loaded page by page (the first page is usable at
// once), filtered and sorted in the browser so each keystroke answers without a round trip.

import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { api, must } from '../client';
import { ErrorText, PageTitle, TagList, useInteractive } from '../components/ui';
import { type Column, type Sort, VirtualTable } from '../components/virtual-table';
import { useI18n } from '../i18n';
import { type Endpoint, LIFECYCLE_TAGS } from '../model';
import { href } from '../router';

interface Row {
  key: string;
  host: string;
  method: string;
  path: string;
  tags: string[];
  calls: number;
  auth: string[];
  sensitive: string[];
  risk: number;
  lastSeen: string;
  /** Lower-cased host + path for the free-text filter. */
  text: string;
}

const PAGE = 1000;

/** What `GET /inventory?fields=summary` keeps of an endpoint: enough for the table, a fraction of the bytes. */
type EndpointSummary = Pick<
  Endpoint,
  'host' | 'method' | 'path' | 'tags' | 'calls' | 'auth' | 'sensitive' | 'risk' | 'lastSeen'
>;

function rowOf(e: EndpointSummary): Row {
  return {
    key: `${e.host} ${e.method} ${e.path}`,
    host: e.host,
    method: e.method,
    path: e.path,
    tags: e.tags.map((t) => t.tag),
    calls: e.calls,
    auth: [...new Set(e.auth.map((a) => a.type))],
    sensitive: [...new Set(e.sensitive.map((s) => s.type))],
    risk: e.risk,
    lastSeen: e.lastSeen ?? '',
    text: `${e.host} ${e.method} ${e.path}`.toLowerCase(),
  };
}

export function endpointHref(e: { host: string; method: string; path: string }): string {
  return href('endpoint', { host: e.host, method: e.method, path: e.path });
}

function useAllEndpoints() {
  const [rows, setRows] = useState<Row[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let stop = false;
    (async () => {
      const all: Row[] = [];
      for (let offset = 0; !stop; offset += PAGE) {
        const page = await must(
          api.GET('/api/v1/inventory', { params: { query: { limit: PAGE, offset, fields: 'summary' } } }),
        );
        if (stop) return;
        for (const e of page.endpoints as unknown as EndpointSummary[]) all.push(rowOf(e));
        setRows([...all]);
        // `total` counts every endpoint: the last page is known without asking for an empty one.
        if (page.endpoints.length < PAGE || all.length >= page.total) break;
      }
      setDone(true);
    })().catch((e: unknown) => setError(e instanceof Error ? e : new Error(String(e))));
    return () => {
      stop = true;
    };
  }, []);
  return { rows, done, error };
}

export function InventoryPage({ params }: { params: URLSearchParams }) {
  const { t, num, date } = useI18n();
  const { rows, done, error } = useAllEndpoints();
  const [host, setHost] = useState(params.get('host') ?? '');
  const [tag, setTag] = useState(params.get('tag') ?? '');
  const [sensitive, setSensitive] = useState(params.get('sensitive') ?? '');
  const [auth, setAuth] = useState(params.get('auth') ?? '');
  const [minRisk, setMinRisk] = useState(params.get('minRisk') ?? '');
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [sort, setSort] = useState<Sort>({ key: 'risk', dir: 'desc' });
  const text = useDeferredValue(search.trim().toLowerCase());

  const options = useMemo(() => {
    const hosts = new Set<string>();
    const types = new Set<string>();
    const auths = new Set<string>();
    for (const r of rows) {
      hosts.add(r.host);
      for (const s of r.sensitive) types.add(s);
      for (const a of r.auth) auths.add(a);
    }
    return { hosts: [...hosts].sort(), types: [...types].sort(), auths: [...auths].sort() };
  }, [rows]);

  const shown = useMemo(() => {
    const min = minRisk === '' ? -1 : Number(minRisk);
    const out = rows.filter(
      (r) =>
        (!host || r.host === host) &&
        (!tag || r.tags.includes(tag)) &&
        (!sensitive || (sensitive === '*' ? r.sensitive.length > 0 : r.sensitive.includes(sensitive))) &&
        (!auth ||
          (auth === 'none' ? r.auth.length === 0 || r.auth.includes('none') : r.auth.includes(auth))) &&
        r.risk >= min &&
        (!text || r.text.includes(text)),
    );
    const k = sort.key as keyof Row;
    const sign = sort.dir === 'asc' ? 1 : -1;
    out.sort((a, b) => {
      const x = a[k];
      const y = b[k];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c === 0 ? a.key.localeCompare(b.key) : c * sign;
    });
    return out;
  }, [rows, host, tag, sensitive, auth, minRisk, text, sort]);

  useInteractive('inventory', rows.length > 0);

  const columns = useMemo<Column<Row>[]>(
    () => [
      {
        key: 'risk',
        label: t('inv.risk'),
        width: '4.5rem',
        sortable: true,
        align: 'end',
        render: (r) => num(r.risk),
      },
      { key: 'method', label: t('inv.method'), width: '5rem', sortable: true, render: (r) => r.method },
      {
        key: 'host',
        label: t('inv.host'),
        width: 'minmax(9rem, 1fr)',
        sortable: true,
        render: (r) => <span title={r.host}>{r.host}</span>,
      },
      {
        key: 'path',
        label: t('inv.path'),
        width: 'minmax(12rem, 2fr)',
        sortable: true,
        render: (r) => (
          <a href={endpointHref(r)} title={r.path}>
            {r.path}
          </a>
        ),
      },
      {
        key: 'calls',
        label: t('inv.calls'),
        width: '5rem',
        sortable: true,
        align: 'end',
        render: (r) => num(r.calls),
      },
      {
        key: 'auth',
        label: t('inv.auth'),
        width: '8rem',
        render: (r) => (r.auth.length ? r.auth.join(', ') : t('inv.noAuth')),
      },
      { key: 'tags', label: t('inv.tags'), width: '9rem', render: (r) => <TagList tags={r.tags} /> },
      {
        key: 'sensitive',
        label: t('inv.sensitive'),
        width: 'minmax(8rem, 1.5fr)',
        render: (r) => <span title={r.sensitive.join(', ')}>{r.sensitive.join(', ') || '—'}</span>,
      },
      {
        key: 'lastSeen',
        label: t('inv.lastSeen'),
        width: '11rem',
        sortable: true,
        render: (r) => date(r.lastSeen),
      },
    ],
    [t, num, date],
  );

  return (
    <>
      <PageTitle
        sub={
          done
            ? t('inv.countOf', { shown: num(shown.length), total: num(rows.length) })
            : t('inv.loadingCount', { n: num(rows.length) })
        }
      >
        {t('nav.inventory')}
      </PageTitle>
      {error ? <ErrorText error={error} /> : null}
      <form className="filters" aria-label={t('inv.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('inv.search')}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          {t('inv.host')}
          <select value={host} onChange={(e) => setHost(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {options.hosts.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </label>
        <label>
          {t('inv.tag')}
          <select value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {LIFECYCLE_TAGS.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label>
          {t('inv.sensitive')}
          <select value={sensitive} onChange={(e) => setSensitive(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="*">{t('inv.anySensitive')}</option>
            {options.types.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label>
          {t('inv.auth')}
          <select value={auth} onChange={(e) => setAuth(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="none">{t('inv.noAuth')}</option>
            {options.auths
              .filter((a) => a !== 'none')
              .map((x) => (
                <option key={x}>{x}</option>
              ))}
          </select>
        </label>
        <label>
          {t('inv.minRisk')}
          <input
            type="number"
            min={0}
            max={100}
            inputMode="numeric"
            value={minRisk}
            onChange={(e) => setMinRisk(e.target.value)}
          />
        </label>
      </form>
      <VirtualTable
        label={t('nav.inventory')}
        rows={shown}
        columns={columns}
        rowKey={(r) => r.key}
        sort={sort}
        onSort={(key) =>
          setSort((s) => ({
            key,
            dir:
              s.key === key
                ? s.dir === 'asc'
                  ? 'desc'
                  : 'asc'
                : key === 'risk' || key === 'calls'
                  ? 'desc'
                  : 'asc',
          }))
        }
      />
    </>
  );
}
