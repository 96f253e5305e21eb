import {
  isPreparable,
  MAX_PREPARED_PER_CONNECTION,
  preparedStatementName,
  preparingClientClass,
} from './prepared-statements';

/** Records what the preparing client hands to node-postgres (the real one is in the integration test). */
class RecordingClient {
  calls: unknown[][] = [];
  query(...args: unknown[]): unknown {
    this.calls.push(args);
    return 'result';
  }
}

describe('prepared statements', () => {
  it('names a text the same way every time, and two texts apart', () => {
    const a = preparedStatementName('SELECT 1 WHERE $1::int > 0');
    expect(preparedStatementName('SELECT 1 WHERE $1::int > 0')).toBe(a);
    expect(preparedStatementName('SELECT 2 WHERE $1::int > 0')).not.toBe(a);
    // PostgreSQL truncates identifiers beyond 63 bytes: two names must not collide there
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).toMatch(/^napflow_[A-Za-z0-9_-]+$/);
  });

  it('prepares data statements only', () => {
    for (const text of ['SELECT 1', '  with x AS (SELECT 1) SELECT * FROM x', 'INSERT INTO t VALUES ($1)'])
      expect(isPreparable(text)).toBe(true);
    for (const text of ['UPDATE t SET a = 1', '\n  DELETE FROM t WHERE id = $1', 'Select now()'])
      expect(isPreparable(text)).toBe(true);
    for (const text of [
      'START TRANSACTION',
      'COMMIT',
      'ROLLBACK',
      'SET LOCAL statement_timeout = 1000',
      'CREATE TABLE t (a int)',
      'LOCK TABLE cases IN SHARE MODE',
      'selected',
      'UPDATE a SET n = 1; UPDATE b SET n = 2',
    ])
      expect(isPreparable(text)).toBe(false);
  });

  it('hands node-postgres a named statement, with its values and callback, and anything else as it came', () => {
    const Preparing = preparingClientClass(RecordingClient);
    const client = new Preparing();
    const cb = () => undefined;
    expect(client.query('SELECT $1::int', [1])).toBe('result');
    client.query('SELECT $1::int', [2], cb);
    client.query('SELECT 1', cb);
    client.query('COMMIT');
    const config = { text: 'SELECT 3', name: 'mine' };
    client.query(config);
    const name = preparedStatementName('SELECT $1::int');
    expect(client.calls).toEqual([
      [{ name, text: 'SELECT $1::int', values: [1] }],
      [{ name, text: 'SELECT $1::int', values: [2] }, cb],
      [{ name: preparedStatementName('SELECT 1'), text: 'SELECT 1' }, cb],
      ['COMMIT', undefined, undefined],
      [config, undefined, undefined],
    ]);
  });

  it('stops naming new statements at its bound, and keeps naming those it has', () => {
    const Preparing = preparingClientClass(RecordingClient);
    const client = new Preparing();
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION; i++) client.query(`SELECT ${i}`);
    client.query('SELECT -1', [7]);
    client.query('SELECT 0');
    const last = client.calls.slice(-2);
    expect(last[0]).toEqual(['SELECT -1', [7], undefined]);
    expect(last[1]).toEqual([{ name: preparedStatementName('SELECT 0'), text: 'SELECT 0' }]);
  });
});
