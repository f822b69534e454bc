/** Injection token of the EventStore port (src/event-store/event-store.ts). */
export const EVENT_STORE = Symbol('EventStore');
