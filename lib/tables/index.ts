export * from './schemas.js';
export * from './create-tables.js';
