export * from './localizer.js';
export * from './localizer-store.js';
