// Inventory: templating, per-endpoint aggregation, lifecycle tags, change detection, OpenAPI export.
// Analysis only: no I/O. The CLI (`mamori discover`) and the server feed exchanges and store the result.
export { InventoryBuilder, type InventoryOptions } from './builder.js';
export { diffInventory, type EndpointRef, type InventoryDiff } from './diff.js';
export { exportOpenApi } from './export-openapi.js';
export { computeTags, SpecSet } from './lifecycle.js';
export { mergeEndpoints } from './merge.js';
export { templatePath } from './segments.js';
