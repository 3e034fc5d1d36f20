// Checker name → function. Tests (data) name their checker; this is the only place they meet.

import type { ScanContext } from '../context.js';
import type { CheckerName, ScanTest } from '../types.js';
import { adminAccess, bola, createOnBehalf, idEnumeration, massAssignment, methodSwitch } from './access.js';
import { authRequired, commonPassword, jwtForgery, jwtWeakSecret, userEnumeration } from './auth.js';
import { captcha } from './business.js';
import { responseSchema, schemaEmpty, schemaFuzz, sensitiveFields, undeclaredFields } from './exposure.js';
import { directoryListing, nullByte } from './files.js';
import {
  commandInjection,
  nosqlOperator,
  pathTraversal,
  sqliBoolean,
  sqliError,
  sqliLogin,
  sqliTime,
  sqliUnion,
  ssti,
  xssReflected,
} from './injection.js';
import {
  cors,
  exposedPath,
  jsonp,
  oldVersion,
  plainHttp,
  securityHeaders,
  trace,
  verboseErrors,
} from './misconfig.js';
import { openRedirect } from './redirect.js';
import { pageSize, payloadSize, rateLimit, targetCrash } from './resources.js';
import { ssrfCallback, ssrfInternal } from './ssrf.js';
import { uploadType, xxe } from './uploads.js';

export type Checker = (ctx: ScanContext, test: ScanTest) => Promise<void>;

export const CHECKERS: Record<CheckerName, Checker> = {
  'auth-required': authRequired,
  'jwt-forgery': jwtForgery,
  'jwt-weak-secret': jwtWeakSecret,
  'user-enumeration': userEnumeration,
  'common-password': commonPassword,
  bola,
  'id-enumeration': idEnumeration,
  'create-on-behalf': createOnBehalf,
  'mass-assignment': massAssignment,
  'sensitive-fields': sensitiveFields,
  'undeclared-fields': undeclaredFields,
  'rate-limit': rateLimit,
  'page-size': pageSize,
  'payload-size': payloadSize,
  'target-crash': targetCrash,
  'admin-access': adminAccess,
  'method-switch': methodSwitch,
  'ssrf-callback': ssrfCallback,
  'ssrf-internal': ssrfInternal,
  cors,
  'verbose-errors': verboseErrors,
  trace,
  jsonp,
  'security-headers': securityHeaders,
  'plain-http': plainHttp,
  'old-version': oldVersion,
  'exposed-path': exposedPath,
  'directory-listing': directoryListing,
  'null-byte': nullByte,
  'open-redirect': openRedirect,
  xxe,
  'upload-type': uploadType,
  captcha,
  'sqli-error': sqliError,
  'sqli-boolean': sqliBoolean,
  'sqli-time': sqliTime,
  'sqli-union': sqliUnion,
  'sqli-login': sqliLogin,
  'nosql-operator': nosqlOperator,
  'command-injection': commandInjection,
  'path-traversal': pathTraversal,
  ssti,
  'xss-reflected': xssReflected,
  'schema-fuzz': schemaFuzz,
  'schema-empty': schemaEmpty,
  'response-schema': responseSchema,
};
