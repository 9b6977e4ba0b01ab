export * from './create-tables.js';
export * from './schemas.js';
