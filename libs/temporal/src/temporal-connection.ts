import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '@app/config';

export interface TemporalHandles {
  connection: Connection;
  client: Client;
}

/**
 * A lazy connection: the API boots (and /health reports Temporal as down) even while the server is unreachable;
 * every call connects on first use and reconnects after an outage.
 */
export function createTemporalClient(config: Pick<AppConfig, 'temporal'>): TemporalHandles {
  const connection = Connection.lazy({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { connection, client };
}
