// Spec loading: one file path (or text) in, one ApiSpec out, or fatal InputIssues saying why not.
// OpenAPI 2.0/3.0/3.1 (JSON or YAML, local and relative-file `$ref`s) and Postman collections v2.x.
// Never throws on input: every failure is an issue with file, line/column or pointer.

import { readFile, stat } from 'node:fs/promises';
import type { ApiSpec, InputIssue } from '../model/index.js';
import { normaliseOpenApi, openApiVersion } from './openapi.js';
import { normalisePostman, postmanVersion } from './postman.js';
import { type ParsedFile, parseSpecFile } from './spec-locate.js';
import { type ReadText, SpecFiles } from './spec-refs.js';

export { compileTemplate, matchOperation, pathSegments } from './spec-match.js';

export interface LoadSpecOptions {
  /** How referenced files are read; without it, references to other files do not resolve. */
  readFile?: ReadText;
}

export type LoadSpecResult = { spec?: ApiSpec; issues: InputIssue[] };

const NOT_A_SPEC = 'not an OpenAPI 2.0/3.x or Postman v2.1 document';

/** Largest spec file read (the biggest public specs are ~50 MB; this leaves room, not a denial of service). */
const MAX_SPEC_BYTES = 512 * 1024 * 1024;

/**
 * Read one spec file as text: regular files only (never a FIFO or device reached through a `$ref`),
 * size-capped, UTF-8 or UTF-16 by byte-order mark.
 */
export async function readSpecText(path: string): Promise<string> {
  const st = await stat(path);
  if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
  if (st.size > MAX_SPEC_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
  const buf = await readFile(path);
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  return buf.toString('utf8');
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'spec file does not exist',
  EISDIR: 'spec path is a directory',
  ENOTREG: 'spec path is not a regular file',
  EFBIG: `spec file is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MiB`,
  EACCES: 'spec file is not readable (permission denied)',
};

/** Load a spec file from disk, following relative-file `$ref`s next to it. */
export async function loadSpec(file: string): Promise<LoadSpecResult> {
  let text: string;
  try {
    text = await readSpecText(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      issues: [
        {
          code: 'spec.unreadable',
          message: (code && READ_ERRORS[code]) ?? `cannot read spec file${code ? ` (${code})` : ''}`,
          file,
          fatal: true,
        },
      ],
    };
  }
  return loadSpecText(text, file, { readFile: readSpecText });
}

/** Load a spec held in memory; `file` names it in issues and anchors relative references. */
export async function loadSpecText(
  text: string,
  file: string,
  opts: LoadSpecOptions = {},
): Promise<LoadSpecResult> {
  try {
    return await load(text, file, opts);
  } catch (e) {
    // Deeply nested input can exhaust the stack in a library; that is the input's fault, not a bug.
    if (e instanceof RangeError)
      return {
        issues: [
          { code: 'spec.limit', message: 'document too deeply nested or too large', file, fatal: true },
        ],
      };
    throw e;
  }
}

async function load(text: string, file: string, opts: LoadSpecOptions): Promise<LoadSpecResult> {
  const root = parseSpecFile(text, file);
  if ('code' in root) return { issues: [root] };
  const oas = openApiVersion(root.value);
  const postman = oas ? undefined : postmanVersion(root.value);
  if (!oas && (!postman || postman === 'postman-1')) {
    return {
      issues: [
        {
          code: 'spec.unknown-format',
          message: NOT_A_SPEC,
          file,
          line: 1,
          column: 1,
          hint: postman ? 'Postman collection v1 is not supported; export it as v2.1' : notASpecHint(root),
          fatal: true,
        },
      ],
    };
  }
  const files = new SpecFiles(root, opts.readFile);
  const issues: InputIssue[] = [];
  let kind: ApiSpec['kind'];
  let specVersion: string;
  let parts: Pick<
    ApiSpec,
    'title' | 'apiVersion' | 'servers' | 'operations' | 'securitySchemes' | 'security'
  >;
  if (oas) {
    const refIssues = await files.loadAll();
    if (refIssues.length > 0) return { issues: refIssues };
    kind = oas.kind;
    specVersion = oas.version;
    parts = normaliseOpenApi(files, oas.kind, oas.version, issues);
  } else {
    kind = 'postman';
    specVersion = postman!;
    parts = normalisePostman(root.value, issues, file);
  }
  const spec: ApiSpec = {
    file,
    kind,
    specVersion,
    ...parts,
    document: root.value,
    files: files.paths(),
    locate(pointer, inFile) {
      const f = files.files.get(files.fileKey(inFile));
      return f ? f.locator.locate(pointer) : { line: 1, column: 1 };
    },
    resolveRef(ref, fromFile) {
      return files.resolveRef(ref, fromFile);
    },
  };
  return { spec, issues };
}

function notASpecHint(root: ParsedFile): string {
  const v = root.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `the ${root.format.toUpperCase()} top level is not an object`;
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, 'openapi')) return `unsupported openapi version ${JSON.stringify(o.openapi)}`;
  if (Object.hasOwn(o, 'swagger')) return `unsupported swagger version ${JSON.stringify(o.swagger)}`;
  return 'expected an `openapi: 3.x` or `swagger: "2.0"` field, or a Postman collection';
}
