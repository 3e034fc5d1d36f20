// Live events from GET /api/v1/events (server-sent events; the session cookie authenticates it):
// `alert`, `incident` and `scan`. One EventSource for the whole console, shared by the pages.

import { useEffect } from 'react';

export type EventKind = 'alert' | 'incident' | 'scan';
type Listener = (kind: EventKind, data: unknown) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;

export function connectEvents(): () => void {
  source?.close();
  const es = new EventSource('/api/v1/events');
  for (const kind of ['alert', 'incident', 'scan'] as const)
    es.addEventListener(kind, (e) => {
      let data: unknown;
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const l of listeners) l(kind, data);
    });
  source = es;
  return () => {
    es.close();
    if (source === es) source = undefined;
  };
}

export function useEvents(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}
