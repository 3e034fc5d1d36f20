// The OpenAPI 3.1 description of the deliberately vulnerable test API and of its correctly built
// twin: both serve exactly these operations (the twin answers them safely).

const bearer = [{ bearer: [] }];
const json = (schema: Record<string, unknown>, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined ? { example } : {}) },
});
const ok = (schema: Record<string, unknown>) => ({ '200': { description: 'OK', content: json(schema) } });

const note = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    owner: { type: 'string', readOnly: true },
    title: { type: 'string', maxLength: 100 },
    body: { type: 'string', maxLength: 2000 },
    tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 20 } },
  },
  required: ['title', 'body'],
};
const product = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    name: { type: 'string' },
    category: { type: 'string' },
    price: { type: 'number' },
    inStock: { type: 'boolean' },
  },
  required: ['sku', 'name', 'price'],
};
const profile = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    email: { type: 'string', format: 'email' },
    displayName: { type: 'string', maxLength: 60 },
    role: { type: 'string' },
    plan: { type: 'string' },
  },
};

export function testApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'mamori scanner test API', version: '2.0.0' },
    servers: [{ url: '/api/v2' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/login': {
        post: {
          operationId: 'login',
          requestBody: {
            required: true,
            content: json(
              {
                type: 'object',
                properties: {
                  username: { type: 'string', maxLength: 50 },
                  password: { type: 'string', maxLength: 100 },
                },
                required: ['username', 'password'],
              },
              { username: 'alice', password: 'not-the-password' },
            ),
          },
          responses: {
            '200': {
              description: 'token',
              content: json({ type: 'object', properties: { token: { type: 'string' } } }),
            },
            '401': { description: 'bad credentials' },
          },
        },
      },
      '/users': {
        post: {
          operationId: 'register',
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              properties: {
                username: { type: 'string', minLength: 3, maxLength: 30 },
                email: { type: 'string', format: 'email' },
                password: { type: 'string', minLength: 8, maxLength: 100 },
              },
              required: ['username', 'email', 'password'],
            }),
          },
          responses: { '201': { description: 'registered', content: json(profile) } },
        },
      },
      '/password-reset': {
        post: {
          operationId: 'passwordReset',
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              properties: { email: { type: 'string', format: 'email' } },
              required: ['email'],
            }),
          },
          responses: { '202': { description: 'accepted' } },
        },
      },
      '/me': {
        get: { operationId: 'getMe', security: bearer, responses: ok(profile) },
        patch: {
          operationId: 'updateMe',
          security: bearer,
          requestBody: {
            content: json(
              {
                type: 'object',
                properties: {
                  displayName: { type: 'string', maxLength: 60 },
                  email: { type: 'string', format: 'email' },
                },
              },
              { displayName: 'Mamori' },
            ),
          },
          responses: ok(profile),
        },
      },
      '/payment-methods': {
        get: {
          operationId: 'listPaymentMethods',
          security: bearer,
          responses: ok({
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'integer' }, last4: { type: 'string' }, brand: { type: 'string' } },
            },
          }),
        },
      },
      '/notes': {
        get: { operationId: 'listNotes', security: bearer, responses: ok({ type: 'array', items: note }) },
        post: {
          operationId: 'createNote',
          security: bearer,
          requestBody: { required: true, content: json(note) },
          responses: {
            '201': {
              description: 'created',
              content: json(note),
              links: { GetNote: { operationId: 'getNote', parameters: { noteId: '$response.body#/id' } } },
            },
          },
        },
      },
      '/notes/{noteId}': {
        parameters: [{ name: 'noteId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        get: { operationId: 'getNote', security: bearer, responses: ok(note) },
        put: {
          operationId: 'replaceNote',
          security: bearer,
          requestBody: { content: json(note) },
          responses: ok(note),
        },
        delete: {
          operationId: 'deleteNote',
          security: bearer,
          responses: { '204': { description: 'deleted' } },
        },
      },
      '/products': {
        get: {
          operationId: 'listProducts',
          parameters: [
            { name: 'category', in: 'query', schema: { type: 'string', example: 'books' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 } },
            { name: 'inStock', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: ok({ type: 'array', items: product }),
        },
      },
      '/products/search': {
        get: {
          operationId: 'searchProducts',
          parameters: [
            { name: 'q', in: 'query', required: true, schema: { type: 'string', example: 'lamp' } },
          ],
          responses: ok({ type: 'array', items: product }),
        },
      },
      '/products/lookup': {
        post: {
          operationId: 'lookupProduct',
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              properties: { sku: { type: 'string', example: 'SKU-0001' } },
              required: ['sku'],
            }),
          },
          responses: ok(product),
        },
      },
      '/downloads': {
        get: {
          operationId: 'download',
          security: bearer,
          parameters: [
            { name: 'file', in: 'query', required: true, schema: { type: 'string', example: 'readme.txt' } },
          ],
          responses: {
            '200': { description: 'file', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/products/{sku}': {
        get: {
          operationId: 'getProduct',
          parameters: [
            { name: 'sku', in: 'path', required: true, schema: { type: 'string', example: 'SKU-0001' } },
          ],
          responses: ok(product),
        },
      },
      '/orders': {
        get: {
          operationId: 'listOrders',
          security: bearer,
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'shipped'] } },
            { name: 'batch', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            { name: 'X-Tenant', in: 'header', schema: { type: 'string', example: 'acme' } },
          ],
          responses: ok({
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'integer' }, status: { type: 'string' }, total: { type: 'number' } },
            },
          }),
        },
      },
      '/reports': {
        get: {
          operationId: 'listReports',
          security: bearer,
          responses: ok({
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
          }),
        },
      },
      '/stats': {
        get: {
          operationId: 'stats',
          security: bearer,
          responses: ok({
            type: 'object',
            properties: { users: { type: 'integer' }, revenue: { type: 'number' } },
          }),
        },
      },
      '/legacy/profile': { get: { operationId: 'legacyProfile', security: bearer, responses: ok(profile) } },
      '/admin/users': {
        get: {
          operationId: 'adminListUsers',
          tags: ['admin'],
          security: bearer,
          responses: ok({ type: 'array', items: profile }),
        },
      },
      '/admin/audit-log': {
        get: {
          operationId: 'adminAuditLog',
          tags: ['admin'],
          security: bearer,
          responses: ok({
            type: 'array',
            items: { type: 'object', properties: { at: { type: 'string' }, event: { type: 'string' } } },
          }),
        },
      },
      '/admin/announcements': {
        post: {
          operationId: 'adminAnnounce',
          tags: ['admin'],
          security: bearer,
          requestBody: {
            content: json(
              { type: 'object', properties: { message: { type: 'string', maxLength: 200 } } },
              { message: 'maintenance tonight' },
            ),
          },
          responses: { '201': { description: 'created' } },
        },
      },
      '/preview': {
        get: {
          operationId: 'previewLink',
          security: bearer,
          parameters: [
            {
              name: 'url',
              in: 'query',
              required: true,
              schema: { type: 'string', format: 'uri', example: 'http://127.0.0.1:9/' },
            },
          ],
          responses: ok({
            type: 'object',
            properties: { status: { type: 'integer' }, body: { type: 'string' } },
          }),
        },
      },
      '/tools/ping': {
        get: {
          operationId: 'ping',
          security: bearer,
          parameters: [
            { name: 'host', in: 'query', required: true, schema: { type: 'string', example: 'localhost' } },
          ],
          responses: {
            '200': { description: 'ping output', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/files': {
        get: {
          operationId: 'getFile',
          security: bearer,
          parameters: [
            { name: 'name', in: 'query', required: true, schema: { type: 'string', example: 'readme.txt' } },
          ],
          responses: {
            '200': { description: 'file', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/imports': {
        post: {
          operationId: 'importDocument',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    title: { type: 'string', maxLength: 50, example: 'report' },
                    file: { type: 'string', format: 'binary', maxLength: 2000 },
                  },
                  required: ['title', 'file'],
                },
                encoding: { file: { contentType: 'application/pdf' } },
              },
            },
          },
          responses: { '201': { description: 'imported' } },
        },
      },
      '/orders/import': {
        post: {
          operationId: 'importOrder',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/xml': {
                schema: {
                  type: 'object',
                  xml: { name: 'order' },
                  properties: {
                    sku: { type: 'string', example: 'SKU-0001' },
                    quantity: { type: 'integer', minimum: 1, maximum: 999, example: 1 },
                  },
                  required: ['sku', 'quantity'],
                },
              },
            },
          },
          responses: { '201': { description: 'imported' } },
        },
      },
      '/ratings/{productId}': {
        get: {
          operationId: 'listRatings',
          parameters: [
            { name: 'productId', in: 'path', required: true, schema: { type: 'integer', example: 1 } },
          ],
          responses: ok({
            type: 'array',
            items: {
              type: 'object',
              properties: { product: { type: 'integer' }, stars: { type: 'integer' } },
            },
          }),
        },
      },
      '/track/{orderId}': {
        get: {
          operationId: 'trackOrder',
          parameters: [
            {
              name: 'orderId',
              in: 'path',
              required: true,
              schema: { type: 'string', example: '5267-f9cd5882f54c75a3' },
            },
          ],
          responses: ok({
            type: 'object',
            properties: {
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { orderId: { type: 'string' }, status: { type: 'string' } },
                },
              },
            },
          }),
        },
      },
      '/comments': {
        post: {
          operationId: 'createComment',
          security: bearer,
          requestBody: {
            required: true,
            content: json(
              {
                type: 'object',
                properties: { text: { type: 'string', maxLength: 200 }, authorId: { type: 'integer' } },
                required: ['text'],
              },
              { text: 'first!' },
            ),
          },
          responses: {
            '201': {
              description: 'created',
              content: json({
                type: 'object',
                properties: {
                  id: { type: 'integer' },
                  text: { type: 'string' },
                  authorId: { type: 'integer' },
                },
              }),
            },
          },
        },
      },
      '/captcha': {
        get: {
          operationId: 'getCaptcha',
          responses: ok({
            type: 'object',
            properties: { captchaId: { type: 'integer' }, captcha: { type: 'string' } },
          }),
        },
      },
      '/feedback': {
        post: {
          operationId: 'sendFeedback',
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  properties: {
                    comment: { type: 'string', maxLength: 200, example: 'great' },
                    rating: { type: 'integer', minimum: 1, maximum: 5, example: 5 },
                    captchaId: { type: 'integer' },
                    captcha: { type: 'string', description: 'the answer to the challenge' },
                  },
                  required: ['comment', 'rating', 'captchaId', 'captcha'],
                },
              },
            },
          },
          responses: { '201': { description: 'thanks' } },
        },
      },
      '/redirect': {
        get: {
          operationId: 'redirect',
          parameters: [
            {
              name: 'to',
              in: 'query',
              required: true,
              schema: { type: 'string', format: 'uri', example: 'https://docs.example.com/guide' },
            },
          ],
          responses: { '302': { description: 'to an allow-listed page' } },
        },
      },
      '/logout': {
        get: {
          operationId: 'logout',
          parameters: [
            { name: 'next', in: 'query', required: true, schema: { type: 'string', example: '/home' } },
          ],
          responses: { '302': { description: 'to the next page' } },
        },
      },
      '/greeting': {
        get: {
          operationId: 'greeting',
          parameters: [
            { name: 'name', in: 'query', required: true, schema: { type: 'string', example: 'visitor' } },
          ],
          responses: ok({ type: 'object', properties: { greeting: { type: 'string' } } }),
        },
      },
      '/pages/{slug}': {
        get: {
          operationId: 'getPage',
          parameters: [
            { name: 'slug', in: 'path', required: true, schema: { type: 'string', example: 'about' } },
          ],
          responses: ok({
            type: 'object',
            properties: { title: { type: 'string' }, html: { type: 'string' } },
          }),
        },
      },
    },
  };
}
