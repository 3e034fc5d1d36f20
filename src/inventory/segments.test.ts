import { describe, expect, it } from 'vitest';
import { paramName, shapeOf, singular, staticKind, templatePath } from './segments.js';

describe('templatePath (shape only)', () => {
  it.each([
    ['/users/42', '/users/{userId}'],
    ['/users/42/orders/7', '/users/{userId}/orders/{orderId}'],
    ['/categories/12/items', '/categories/{categoryId}/items'],
    ['/addresses/9', '/addresses/{addressId}'],
    ['/api-keys/77', '/api-keys/{apiKeyId}'],
    ['/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/users/{userId}'],
    ['/commits/9fceb02d0ae598e95dc970b74767f19372d61af8', '/commits/{commitId}'],
    ['/objects/507f1f77bcf86cd799439011', '/objects/{objectId}'],
    ['/reports/2024-01-31', '/reports/{date}'],
    ['/events/2024-01-31T10:00:00Z/details', '/events/{date}/details'],
    ['/users/alice@example.com/profile', '/users/{userId}/profile'],
    ['/invites/eyJhbGciOiJIUzI1NiJ9aGVsbG8x9f8a', '/invites/{inviteId}'],
    ['/orders/ord_12345', '/orders/{orderId}'],
    ['/customers/cus_NffrFeUfNV2Hib', '/customers/{customerId}'],
    ['/invoices/12345.pdf', '/invoices/{invoiceId}.pdf'],
    ['/rest/api/2/issue/PROJ-123', '/rest/api/2/issue/{issueId}'],
    ['/api/3/users/9', '/api/3/users/{userId}'],
  ])('%s → %s', (path, template) => {
    expect(templatePath(path)).toBe(template);
  });

  it('keeps static siblings, versions, file names and locales literal', () => {
    expect(templatePath('/users/me')).toBe('/users/me');
    expect(templatePath('/users/search')).toBe('/users/search');
    expect(templatePath('/api/v2/users')).toBe('/api/v2/users');
    expect(templatePath('/v1.2/status')).toBe('/v1.2/status');
    expect(templatePath('/openapi.json')).toBe('/openapi.json');
    expect(templatePath('/docs/swagger.yaml')).toBe('/docs/swagger.yaml');
    expect(templatePath('/en-US/products')).toBe('/en-US/products');
    expect(templatePath('/ja/help')).toBe('/ja/help');
    expect(templatePath('/products/red-shirt')).toBe('/products/red-shirt');
    expect(templatePath('/')).toBe('/');
  });

  it('finds ids in the middle and de-duplicates names', () => {
    expect(templatePath('/users/1/friends/2/friends/3')).toBe(
      '/users/{userId}/friends/{friendId}/friends/{friendId2}',
    );
    expect(templatePath('/1/2')).toBe('/{id}/{id2}');
    expect(templatePath('/v1/42')).toBe('/v1/{id}');
  });

  it('does not take slugs or words with a few digits for tokens', () => {
    expect(shapeOf('red-shirt-size-42-blue')).toBeUndefined();
    expect(shapeOf('order-history')).toBeUndefined();
    expect(shapeOf('deadbeef')).toBeUndefined(); // 8 hex letters without digits: a word
    expect(shapeOf('abc12345')?.rule.kind).toBe('hex');
    expect(shapeOf('v2')).toBeUndefined();
  });
});

describe('naming', () => {
  it('singularises resource names', () => {
    expect(singular('users')).toBe('user');
    expect(singular('categories')).toBe('category');
    expect(singular('boxes')).toBe('box');
    expect(singular('addresses')).toBe('address');
    expect(singular('people')).toBe('person');
    expect(singular('status')).toBe('status');
  });
  it('names after versions and dates sensibly', () => {
    expect(paramName('v2', 'int', new Set())).toBe('id');
    expect(paramName('days', 'date', new Set())).toBe('date');
    expect(paramName(undefined, 'locale', new Set())).toBe('locale');
  });
  it('classifies static segments', () => {
    expect(staticKind('v3')).toBe('version');
    expect(staticKind('openapi.json')).toBe('file');
    expect(staticKind('me')).toBe('word');
    expect(staticKind('pt-BR')).toBe('locale');
    expect(staticKind('red-shirt')).toBeUndefined();
  });
});
