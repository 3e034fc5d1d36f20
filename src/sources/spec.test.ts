import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiSpec, JsonSchema, SpecOperation } from '../model/index.js';
import { loadSpec, loadSpecText, readSpecText } from './spec.js';

const dir = 'src/sources/fixtures/specs/';

async function spec(file: string): Promise<ApiSpec> {
  const r = await loadSpec(dir + file);
  expect(r.issues.filter((i) => i.fatal)).toEqual([]);
  expect(r.spec).toBeDefined();
  return r.spec!;
}

function op(s: ApiSpec, method: string, path: string): SpecOperation {
  const o = s.operations.find((x) => x.method === method && x.path === path);
  expect(o, `${method} ${path}`).toBeDefined();
  return o!;
}

describe('OpenAPI 3.0 (YAML)', () => {
  it('reads info, servers with variables, and document security', async () => {
    const s = await spec('openapi-3.0.yaml');
    expect(s.kind).toBe('openapi');
    expect(s.specVersion).toBe('3.0.3');
    expect(s.title).toBe('Shop API');
    expect(s.apiVersion).toBe('2.1.0');
    expect(s.servers).toEqual([
      {
        url: 'https://api.shop.example:8443/api/v2',
        scheme: 'https',
        host: 'api.shop.example',
        port: 8443,
        basePath: '/api/v2',
      },
      { url: '/api/v2', basePath: '/api/v2' },
    ]);
    expect(s.security).toEqual([{ bearerAuth: [] }]);
    expect(s.operations).toHaveLength(4);
  });

  it('merges path-level and operation-level parameters, operation winning by name and location', async () => {
    const s = await spec('openapi-3.0.yaml');
    const get = op(s, 'GET', '/users/{id}');
    const id = get.parameters.find((p) => p.name === 'id')!;
    expect(id.pointer).toBe('/paths/~1users~1{id}/get/parameters/0');
    expect(id.schema).toEqual({ type: 'integer', format: 'int64' });
    expect(get.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'header:X-Trace',
      'path:id',
      'query:fields',
    ]);
    expect(get.parameters.find((p) => p.name === 'fields')!.example).toBe('name,email');
    // the path-level $ref'd parameter keeps the pointer where it is defined
    const del = op(s, 'DELETE', '/users/{id}');
    expect(del.parameters.find((p) => p.name === 'id')!.pointer).toBe('/components/parameters/UserId');
    expect(del.parameters.find((p) => p.name === 'id')!.required).toBe(true);
  });

  it('resolves responses, request bodies and cyclic schemas by identity', async () => {
    const s = await spec('openapi-3.0.yaml');
    const get = op(s, 'GET', '/users/{id}');
    expect(get.operationId).toBe('getUser');
    expect(get.tags).toEqual(['users']);
    const ok = get.responses.find((r) => r.status === '200')!;
    expect(ok.headers).toEqual(['X-Rate-Limit']);
    const user = ok.content[0]!.schema!;
    expect(user.type).toBe('object');
    const props = user.properties as Record<string, JsonSchema>;
    expect(props.manager).toBe(user); // cycle → same object
    expect((props.friends!.items as JsonSchema) === user).toBe(true);
    // a property named `default` is a schema; a `default` value is literal data
    expect(props.default).toEqual({ type: 'string', default: { $ref: 'not-a-ref' } });
    expect(ok.content[0]!.example).toEqual({ id: 1, name: 'Ann' });
    const def = get.responses.find((r) => r.status === 'default')!;
    expect(def.pointer).toBe('/components/responses/Error');
    expect(def.content[0]!.contentType).toBe('application/problem+json');

    const post = op(s, 'POST', '/users');
    expect(post.requestBody!.required).toBe(true);
    expect(post.requestBody!.pointer).toBe('/components/requestBodies/NewUser');
    expect(post.requestBody!.content[0]!.schema).toBe(user);
    expect(post.requestBody!.content[0]!.example).toEqual({ name: 'Ann' });
    expect(JSON.stringify(s.document)).toContain('#/components/schemas/User'); // document stays raw
  });

  it('applies effective security, deprecation, extensions and operation servers', async () => {
    const s = await spec('openapi-3.0.yaml');
    expect(op(s, 'GET', '/users/{id}').security).toEqual([{ bearerAuth: [] }]);
    const del = op(s, 'DELETE', '/users/{id}');
    expect(del.security).toEqual([]);
    expect(del.deprecated).toBe(true);
    expect(del.extensions).toEqual({ 'x-internal': true });
    const me = op(s, 'GET', '/users/me');
    expect(me.security).toEqual([{ apiKey: [], oauth: ['read'] }]);
    expect(me.servers).toEqual([
      { url: 'https://me.shop.example', scheme: 'https', host: 'me.shop.example', basePath: '' },
    ]);
    expect(op(s, 'GET', '/users/{id}').servers).toEqual(s.servers);
  });

  it('normalises security schemes', async () => {
    const s = await spec('openapi-3.0.yaml');
    expect(s.securitySchemes).toEqual([
      {
        name: 'bearerAuth',
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        pointer: '/components/securitySchemes/bearerAuth',
      },
      {
        name: 'apiKey',
        type: 'apiKey',
        in: 'header',
        paramName: 'X-API-Key',
        pointer: '/components/securitySchemes/apiKey',
      },
      {
        name: 'oauth',
        type: 'oauth2',
        flows: {
          authorizationCode: {
            scopes: ['read', 'write'],
            authorizationUrl: 'https://auth.shop.example/authorize',
            tokenUrl: 'https://auth.shop.example/token',
          },
        },
        pointer: '/components/securitySchemes/oauth',
      },
    ]);
  });

  it('locates pointers in YAML (key of a member, item of a sequence, nearest ancestor when missing)', async () => {
    const s = await spec('openapi-3.0.yaml');
    expect(s.locate('/paths/~1users~1{id}/get')).toEqual({ line: 23, column: 5 });
    expect(s.locate('/paths/~1users~1{id}/get/parameters/1')).toEqual({ line: 33, column: 11 });
    expect(s.locate('/components/schemas/User/properties/manager')).toEqual({ line: 104, column: 9 });
    expect(s.locate('/paths/~1users~1{id}/get/nope/deeper')).toEqual({ line: 23, column: 5 });
    expect(s.locate('')).toEqual({ line: 1, column: 1 });
  });
});

describe('OpenAPI 3.0 (JSON)', () => {
  it('loads, resolves and locates in JSON, including escaped keys', async () => {
    const s = await spec('openapi-3.0.json');
    expect(s.servers).toEqual([{ url: '/', basePath: '' }]);
    const get = op(s, 'GET', '/items/{itemId}');
    expect(get.parameters[0]!.schema).toEqual({ type: 'string', format: 'uuid' });
    const item = get.responses[0]!.content[0]!.schema!;
    expect((item.properties as Record<string, unknown>).parent).toBe(item);
    expect(s.locate('/paths/~1items~1{itemId}/get')).toEqual({ line: 6, column: 7 });
    expect(s.locate('/paths/~1items~1{itemId}/get/parameters/0/schema')).toEqual({ line: 8, column: 63 });
    expect(s.locate('/paths/~1a~0b~1c"d')).toEqual({ line: 18, column: 5 });
    expect(s.locate('/components/schemas/Item/properties/parent/$ref')).toEqual({ line: 25, column: 82 });
    expect(s.locate('/paths/~1missing')).toEqual({ line: 4, column: 3 });
  });
});

describe('OpenAPI 3.1', () => {
  it('keeps $ref siblings, follows $anchor refs and boolean schemas', async () => {
    const s = await spec('openapi-3.1.yaml');
    expect(s.specVersion).toBe('3.1.0');
    expect(s.servers).toEqual([
      { url: 'http://LOCALHOST:8080/', scheme: 'http', host: 'localhost', port: 8080, basePath: '' },
    ]);
    const one = op(s, 'GET', '/orders/{orderId}.json').responses[0]!.content[0]!.schema!;
    expect(one.description).toContain('local description');
    const order = (one.allOf as JsonSchema[])[0]!;
    expect(order.type).toEqual(['object', 'null']);
    expect((order.properties as Record<string, JsonSchema>).lines!.items).toBe(true); // nested boolean schema kept
    const latest = op(s, 'GET', '/orders/latest.json').responses[0]!.content[0]!.schema!;
    expect(latest).toBe(order);
  });

  it('resolves a URI $ref to a local schema with that $id, without fetching anything', async () => {
    const r = await loadSpecText(
      [
        'openapi: 3.1.0',
        'info: {title: ids, version: "1"}',
        'paths:',
        '  /u:',
        '    get:',
        '      responses:',
        '        "200":',
        '          description: ok',
        '          content:',
        '            application/json:',
        '              schema: {$ref: "https://schemas.example.com/user#/properties/name"}',
        'components:',
        '  schemas:',
        '    User:',
        '      $id: https://schemas.example.com/user',
        '      type: object',
        '      properties: {name: {type: string}}',
      ].join('\n'),
      'ids.yaml',
    );
    expect(r.issues).toEqual([]);
    expect(r.spec!.operations[0]!.responses[0]!.content[0]!.schema).toEqual({ type: 'string' });
    expect(r.spec!.resolveRef('https://schemas.example.com/user')).toMatchObject({
      pointer: '/components/schemas/User',
    });
    expect(r.spec!.resolveRef('https://elsewhere.example.com/x')).toBeUndefined();
  });

  it('uses path-level servers in JSON 3.1', async () => {
    const s = await spec('openapi-3.1.json');
    expect(op(s, 'GET', '/things').servers[0]!.host).toBe('things.example.com');
    expect(s.servers[0]!.basePath).toBe('/v1');
  });
});

describe('Swagger 2.0', () => {
  it('turns schemes, host and basePath into servers', async () => {
    const s = await spec('swagger-2.0.yaml');
    expect(s.kind).toBe('swagger');
    expect(s.specVersion).toBe('2.0');
    expect(s.servers.map((x) => [x.scheme, x.host, x.port, x.basePath])).toEqual([
      ['http', 'petstore.example.com', 8080, '/v1'],
      ['https', 'petstore.example.com', 8080, '/v1'],
    ]);
    expect(op(s, 'POST', '/pets/{petId}/photo').servers.map((x) => x.scheme)).toEqual(['https']);
  });

  it('turns body and formData parameters into request bodies, schema+produces into responses', async () => {
    const s = await spec('swagger-2.0.yaml');
    const add = op(s, 'POST', '/pets');
    expect(add.parameters).toEqual([]);
    expect(add.requestBody!.required).toBe(true);
    expect(add.requestBody!.pointer).toBe('/paths/~1pets/post/parameters/0');
    const pet = add.requestBody!.content[0]!.schema!;
    expect(add.requestBody!.content[0]!.contentType).toBe('application/json');
    expect((pet.properties as Record<string, unknown>).parent).toBe(pet);

    const list = op(s, 'GET', '/pets');
    expect(list.parameters[0]!.schema).toEqual({ type: 'integer', format: 'int32', maximum: 100 });
    const ok = list.responses[0]!;
    expect(ok.content[0]!.contentType).toBe('application/json');
    expect((ok.content[0]!.schema!.items as JsonSchema) === pet).toBe(true);
    expect(ok.content[0]!.example).toEqual([{ id: 1, name: 'Rex' }]);

    const photo = op(s, 'POST', '/pets/{petId}/photo');
    expect(photo.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:petId',
      'formData:file',
      'formData:caption',
    ]);
    expect(photo.requestBody!.content[0]!.contentType).toBe('multipart/form-data');
    expect(photo.requestBody!.content[0]!.schema).toEqual({
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' }, caption: { type: 'string' } },
      required: ['file'],
    });
  });

  it('maps securityDefinitions and oauth2 flow names to 3.x', async () => {
    const s = await spec('swagger-2.0.yaml');
    const byName = Object.fromEntries(s.securitySchemes.map((x) => [x.name, x]));
    expect(byName.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(byName.key).toMatchObject({ type: 'apiKey', in: 'query', paramName: 'api_key' });
    expect(Object.keys(byName.petstore_auth!.flows!)).toEqual(['authorizationCode']);
    expect(byName.petstore_auth!.flows!.authorizationCode!.scopes).toEqual(['write:pets', 'read:pets']);
    expect(Object.keys(byName.app!.flows!)).toEqual(['clientCredentials']);
    expect(op(s, 'GET', '/pets').security).toEqual([{ key: [] }]);
    expect(op(s, 'POST', '/pets').security).toEqual([{ petstore_auth: ['write:pets'] }]);
  });

  it('tolerates a URL where 2.0 wants a bare host', async () => {
    const r = await loadSpecText(
      JSON.stringify({
        swagger: '2.0',
        info: { title: 't', version: '1' },
        host: 'https://Api.example.com/',
        schemes: ['https'],
        basePath: '/v1',
        paths: {},
      }),
      'h.json',
    );
    expect(r.spec!.servers).toEqual([
      { url: 'https://Api.example.com/v1', scheme: 'https', host: 'api.example.com', basePath: '/v1' },
    ]);
  });

  it('handles a relative 2.0 spec (no host) in JSON', async () => {
    const s = await spec('swagger-2.0.json');
    expect(s.servers).toEqual([{ url: '/base', basePath: '/base' }]);
    expect(op(s, 'GET', '/ping').deprecated).toBe(true);
    expect(s.security).toBeUndefined();
    expect(op(s, 'GET', '/ping').security).toBeUndefined();
  });
});

describe('multi-file $refs', () => {
  it('follows relative-file refs, including cycles across files, and reports where objects live', async () => {
    const s = await spec('multi/root.yaml');
    expect(s.files).toEqual([
      `${dir}multi/root.yaml`,
      `${dir}multi/paths/user.yaml`,
      `${dir}multi/common.json`,
      `${dir}multi/schemas/group.yaml`,
      `${dir}multi/schemas/user.yaml`,
    ]);
    const get = op(s, 'GET', '/users/{id}');
    expect(get.file).toBe(`${dir}multi/paths/user.yaml`);
    expect(get.pointer).toBe('/get');
    expect(get.parameters[0]).toMatchObject({
      name: 'id',
      pointer: '/parameters/Id',
      file: `${dir}multi/common.json`,
    });
    const user = get.responses[0]!.content[0]!.schema!;
    const group = (user.properties as Record<string, JsonSchema>).groups!.items as JsonSchema;
    expect(((group.properties as Record<string, JsonSchema>).members!.items as JsonSchema) === user).toBe(
      true,
    );
    const groups = op(s, 'GET', '/groups').responses[0]!.content[0]!.schema!;
    expect(groups.items).toBe(group);

    expect(s.locate('/parameters/Page', `${dir}multi/common.json`)).toEqual({ line: 4, column: 5 });
    expect(s.locate('/User/properties/groups', `${dir}multi/schemas/user.yaml`)).toEqual({
      line: 5,
      column: 5,
    });
    const r = s.resolveRef('../schemas/user.yaml#/User', `${dir}multi/paths/user.yaml`);
    expect(r).toMatchObject({ file: `${dir}multi/schemas/user.yaml`, pointer: '/User' });
    expect(s.resolveRef('#/nope')).toBeUndefined();
  });

  it('treats a reference to the root file by name as the root itself', async () => {
    const reads: string[] = [];
    const r = await loadSpecText(
      'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "./api.yaml#/x-items/a"\nx-items:\n  a:\n    get: {responses: {"200": {description: ok}}}\n',
      './specs/api.yaml',
      {
        readFile: async (p) => {
          reads.push(p);
          return '';
        },
      },
    );
    expect(reads).toEqual([]);
    expect(r.spec!.files).toEqual(['./specs/api.yaml']);
    expect(r.spec!.operations[0]!.pointer).toBe('/x-items/a/get');
  });

  it('follows refs inside x- extensions when it can, and never fails on them', async () => {
    const files: Record<string, string> = {
      'ext/common.yaml': 'Ok: {description: fine}\n',
      'ext/broken.yaml': 'a: [1\n',
    };
    const r = await loadSpecText(
      [
        'openapi: 3.0.0',
        'info: {title: t, version: "1"}',
        'x-vendor: {$ref: "./missing.yaml"}',
        'x-broken: {$ref: "./broken.yaml"}',
        'paths:',
        '  /a:',
        '    $ref: "#/x-items/a"',
        'x-items:',
        '  a:',
        '    get: {responses: {"200": {$ref: "./common.yaml#/Ok"}}}',
      ].join('\n'),
      'ext/api.yaml',
      {
        readFile: async (p) => {
          const t = files[p];
          if (t === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
          return t;
        },
      },
    );
    expect(r.issues).toEqual([]);
    expect(r.spec!.operations[0]!.responses[0]).toMatchObject({
      description: 'fine',
      file: 'ext/common.yaml',
    });
  });

  it('does not read other files for an in-memory spec without a reader', async () => {
    const r = await loadSpecText(
      'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "other.yaml"\n',
      'mem.yaml',
    );
    expect(r.spec).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'spec.ref.unresolved', line: 5, pointer: '/paths/~1a/$ref' });
  });
});

describe('fatal input problems', () => {
  it('reports an unreadable file', async () => {
    const r = await loadSpec(`${dir}does-not-exist.yaml`);
    expect(r.spec).toBeUndefined();
    expect(r.issues).toEqual([
      expect.objectContaining({ code: 'spec.unreadable', fatal: true, file: `${dir}does-not-exist.yaml` }),
    ]);
    const d = await loadSpec(dir);
    expect(d.issues[0]!.code).toBe('spec.unreadable');
  });

  it('reports invalid YAML and JSON with line and column', async () => {
    const y = await loadSpec(`${dir}bad-yaml.yaml`);
    expect(y.spec).toBeUndefined();
    expect(y.issues[0]).toMatchObject({ code: 'spec.syntax', line: 4, column: 11, fatal: true });
    expect(y.issues[0]!.message).toBe('invalid YAML: bad indentation of a mapping entry');
    const j = await loadSpec(`${dir}bad-json.json`);
    expect(j.issues[0]).toMatchObject({ code: 'spec.syntax', line: 3, column: 26, fatal: true });
    expect(j.issues[0]!.message).toMatch(/^invalid JSON/);
  });

  it('rejects documents that are not specs', async () => {
    const r = await loadSpec(`${dir}not-openapi.yaml`);
    expect(r.spec).toBeUndefined();
    expect(r.issues[0]).toMatchObject({
      code: 'spec.unknown-format',
      message: 'not an OpenAPI 2.0/3.x or Postman v2.1 document',
      fatal: true,
    });
    for (const text of ['[]', '42', '"x"', 'null', '', 'openapi: 4.0.0', 'swagger: "1.2"']) {
      const t = await loadSpecText(text, 'x.yaml');
      expect(t.spec, text).toBeUndefined();
      expect(t.issues[0]!.fatal, text).toBe(true);
    }
  });

  it('reports every unresolved $ref with file, pointer, line and a hint; never fetches URLs', async () => {
    const r = await loadSpec(`${dir}unresolved.yaml`);
    expect(r.spec).toBeUndefined();
    expect(r.issues).toHaveLength(3);
    expect(r.issues[0]).toMatchObject({
      code: 'spec.ref.unresolved',
      file: `${dir}unresolved.yaml`,
      pointer: '/paths/~1a/get/responses/200/content/application~1json/schema/$ref',
      line: 11,
      fatal: true,
    });
    expect(r.issues[1]!.hint).toMatch(/does not exist/);
    expect(r.issues[2]!.message).toContain('https://example.com/specs/common.yaml#/Ok');
    expect(r.issues[2]!.hint).toMatch(/not fetched/);
  });

  it('refuses non-regular files, also through $refs', async () => {
    const r = await loadSpec('/dev/null');
    expect(r.issues[0]).toMatchObject({
      code: 'spec.unreadable',
      message: 'spec path is not a regular file',
    });
    const viaRef = await loadSpecText(
      'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "../../../../../../../dev/zero"\n',
      `${dir}mem.yaml`,
      { readFile: readSpecText },
    );
    expect(viaRef.issues[0]).toMatchObject({ code: 'spec.ref.unresolved' });
    expect(viaRef.issues[0]!.hint).toMatch(/not a regular file/);
  });

  it('reads UTF-16 files with a byte-order mark', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mamori-spec-'));
    try {
      const text = 'openapi: "3.0.0"\ninfo: {title: "ユーティー16", version: "1"}\npaths: {}\n';
      writeFileSync(
        join(d, 'le.yaml'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      );
      const le = await loadSpec(join(d, 'le.yaml'));
      expect(le.spec!.title).toBe('ユーティー16');
      const be = Buffer.from(text, 'utf16le').swap16();
      writeFileSync(join(d, 'be.yaml'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
      expect((await loadSpec(join(d, 'be.yaml'))).spec!.title).toBe('ユーティー16');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('accepts an unquoted YAML version number and positions non-fatal issues', async () => {
    const r = await loadSpecText(
      'openapi: 3.0\ninfo: {title: t, version: 1}\npaths:\n  /a:\n    get: 5\ncomponents:\n  securitySchemes:\n    odd: {type: magic}\n',
      'v.yaml',
    );
    expect(r.spec!.specVersion).toBe('3.0');
    expect(r.spec!.apiVersion).toBe('1');
    expect(r.issues.map((i) => [i.code, i.line, i.fatal])).toEqual([
      ['spec.security-scheme.invalid', 8, undefined],
      ['spec.operation.invalid', 5, undefined],
    ]);
  });

  it('refuses absolute file references', async () => {
    const r = await loadSpecText(
      'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "/etc/passwd"\n',
      'mem.yaml',
      { readFile: () => Promise.reject(new Error('must not be called')) },
    );
    expect(r.issues[0]).toMatchObject({ code: 'spec.ref.unresolved' });
    expect(r.issues[0]!.hint).toMatch(/absolute/);
  });
});
