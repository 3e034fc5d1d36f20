// Small shared pieces: data loading with errors, headings that take focus, severity and tag badges.

import { type DependencyList, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../client';
import { useI18n } from '../i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
  set(data: T): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: unknown) =>
        mine === seq.current &&
        setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
  }, [...deps, tick]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: useCallback(() => setTick((n) => n + 1), []),
    set: useCallback((data: T) => setState({ data, loading: false }), []),
  };
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="page-title">
      <h1 tabIndex={-1}>{children}</h1>
      {sub ? <p className="muted">{sub}</p> : null}
    </div>
  );
}

export function Status({ loaded }: { loaded: { loading: boolean; error: Error | undefined } }) {
  const { t } = useI18n();
  if (loaded.error) return <ErrorText error={loaded.error} />;
  if (loaded.loading)
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
  return null;
}

export function ErrorText({ error }: { error: Error }) {
  const { t } = useI18n();
  const text =
    error instanceof ApiError
      ? error.status === 403
        ? t('common.forbidden')
        : `${t('common.error', { status: error.status })}: ${error.message}${error.field ? ` (${error.field})` : ''}`
      : error.message;
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function Severity({ value }: { value: string }) {
  const { t } = useI18n();
  const known = ['critical', 'high', 'medium', 'low', 'info'].includes(value);
  return (
    <span className={`sev sev-${known ? value : 'info'}`}>
      {known ? t(`severity.${value as 'critical'}`) : value}
    </span>
  );
}

export function TagList({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tags">
      {tags.map((tag) => (
        <span key={tag} className={`tag tag-${tag}`}>
          {tag}
        </span>
      ))}
    </span>
  );
}

/**
 * Marks a page usable for the benchmark (bench/console.mjs reads `mamori:<name>`): once its data has
 * rendered and the frame after it has been painted. Once per page load.
 */
export function useInteractive(name: string, ready: boolean): void {
  useEffect(() => {
    if (!ready || performance.getEntriesByName(`mamori:${name}`).length > 0) return;
    requestAnimationFrame(() => setTimeout(() => performance.mark(`mamori:${name}`), 0));
  }, [name, ready]);
}

/** Preformatted evidence: a scrollable region, so it takes keyboard focus (WCAG 2.1.1). */
export function Pre({ children, className }: { children: ReactNode; className?: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <pre tabIndex={0} className={className}>
      {children}
    </pre>
  );
}
