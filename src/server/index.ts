// The REST API server of `mamori serve`.
export { buildServer, REDACT, type ServerOptions } from './app.js';
export {
  type Access,
  createToken,
  ensureAdminToken,
  hashToken,
  mayAccess,
  newTokenValue,
  ROLES,
} from './auth.js';
export { openApiDocument } from './openapi.js';
