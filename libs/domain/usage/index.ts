export * from './action-types';
export * from './price-book';
export * from './largest-remainder';
export * from './billing-period';
export * from './billing-usage-document';
export * from './billing-usage-csv';
export * from './usage-record';
export * from './usage-streams';
