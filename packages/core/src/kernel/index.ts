export * from './distributions.js';
export * from './event-queue.js';
export * from './kernel.js';
export * from './random-streams.js';
export * from './recycling-table.js';
