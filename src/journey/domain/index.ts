export * from './vocabulary';
export * from './events';
export * from './state';
export * from './rule-violation';
export * from './decide';
