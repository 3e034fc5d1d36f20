// What the route modules share: the store, the audit trail and the live event hub.
import type { FastifyRequest } from 'fastify';
import type { PlatformStore } from '../store/index.js';
import type { EventHub } from './events.js';

export interface RouteContext {
  store: PlatformStore;
  events: EventHub;
  /** Appends an audit-log entry as the request's token. */
  audit(
    req: FastifyRequest,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ): Promise<void>;
  /** The name of the request's token. */
  who(req: FastifyRequest): string;
}

/** A 400 answer body naming the field, like the schema validator's. */
export const invalid = (field: string, message: string) => ({ error: 'invalid-input', message, field });
