// The signed-in session as the server reports it (GET /api/v1/session) and what its role may do. The
// console only offers what the role may do; the server refuses the rest anyway.

import { createContext, useContext } from 'react';
import type { Answer } from './client';

export type Session = Answer<'/api/v1/session', 'get'>;

export interface Abilities {
  /** Read the inventory, findings, alerts (admin, analyst, viewer). */
  read: boolean;
  /** Act on alerts and incidents, hunt, scan, block, patch (admin, analyst). */
  act: boolean;
  /** Tokens and settings (admin). */
  admin: boolean;
}

export function abilitiesOf(role: string): Abilities {
  return {
    read: role === 'admin' || role === 'analyst' || role === 'viewer',
    act: role === 'admin' || role === 'analyst',
    admin: role === 'admin',
  };
}

export const SessionCtx = createContext<{ session: Session; can: Abilities } | undefined>(undefined);

export function useSession(): { session: Session; can: Abilities } {
  const v = useContext(SessionCtx);
  if (!v) throw new Error('useSession outside a signed-in console');
  return v;
}
