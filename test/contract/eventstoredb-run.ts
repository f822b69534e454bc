/**
 * Whether the EventStoreDB contract run can happen here: it needs a server and its connection string in
 * EVENTSTORE_CONNECTION_STRING. The reason it is skipped, or undefined when it runs.
 */
export function eventStoreDbSkipReason(): string | undefined {
  return process.env.EVENTSTORE_CONNECTION_STRING
    ? undefined
    : 'EVENTSTORE_CONNECTION_STRING is not set (start a server with `docker compose --env-file compose.env --profile dev up -d eventstore` and set it: README, "Running with EventStoreDB")';
}
