// Actor identity and auth schemes: who made a call (hashed credential or client address) and how
// it authenticated. Decoding only, no I/O, nothing verified.

export { actorOf, clearIdentityCaches, shortHash } from './actor.js';
export { clientAddressOf, parseAddress, parseTrustedProxies, type TrustedProxies } from './address.js';
export {
  authOf,
  type Credential,
  credentialsOf,
  isCredentialCookieName,
  isSessionCookieName,
} from './auth.js';
export { parseCookieHeader, parseSetCookieHeader } from './cookies.js';
export { type DecodedJwt, decodeJwt } from './jwt.js';
