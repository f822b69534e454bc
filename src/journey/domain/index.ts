export * from './vocabulary';
export * from './events';
export * from './commands';
export * from './state';
export * from './rule-violation';
export * from './decide';
export * from './free-text';
export * from './decider';
