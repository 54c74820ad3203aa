// Request and response schemas, one module per resource (schemas/); routes import from here.
export * from './schemas/common.ts';
export * from './schemas/condition.ts';
export * from './schemas/explain.ts';
export * from './schemas/ledger.ts';
export * from './schemas/preview.ts';
export * from './schemas/request-examples.ts';
export * from './schemas/run.ts';
export * from './schemas/schedule.ts';
export * from './schemas/strategy.ts';
export * from './schemas/user.ts';
export * from './schemas/precondition.ts';
export * from './schemas/stats.ts';
export * from './schemas/audit.ts';
export * from './schemas/lot.ts';
export * from './schemas/caller.ts';
export * from './schemas/holds.ts';
