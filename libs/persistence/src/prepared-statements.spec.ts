import {
  POOLER_HINT,
  withPoolerHint,
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
    const cb = args.find((a) => typeof a === 'function') as ((e: unknown, r: unknown) => void) | undefined;
    if (cb) cb(null, 'result');
    return Promise.resolve('result');
  }
}

/** Answers every statement with PostgreSQL's error of the given code. */
class FailingClient {
  constructor(private readonly code: string) {}
  query(...args: unknown[]): unknown {
    const err = Object.assign(new Error(`failed with ${this.code}`), { code: this.code });
    const cb = args.find((a) => typeof a === 'function') as ((e: unknown, r: unknown) => void) | undefined;
    if (cb) return cb(err, undefined);
    return Promise.reject(err);
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

  it('hands node-postgres a named statement, with its values and callback, and anything else as it came', async () => {
    const Preparing = preparingClientClass(RecordingClient);
    const client = new Preparing();
    const answers: unknown[] = [];
    const cb = (_err: unknown, res: unknown) => answers.push(res);
    await expect(client.query('SELECT $1::int', [1])).resolves.toBe('result');
    client.query('SELECT $1::int', [2], cb);
    client.query('SELECT 1', cb);
    client.query('COMMIT');
    const config = { text: 'SELECT 3', name: 'mine' };
    client.query(config);
    const name = preparedStatementName('SELECT $1::int');
    expect(client.calls).toEqual([
      [{ name, text: 'SELECT $1::int', values: [1] }],
      [{ name, text: 'SELECT $1::int', values: [2] }, expect.any(Function)],
      [{ name: preparedStatementName('SELECT 1'), text: 'SELECT 1' }, expect.any(Function)],
      ['COMMIT', undefined, undefined],
      [config, undefined, undefined],
    ]);
    expect(answers).toEqual(['result', 'result']);
  });

  it('tells what to do when the connection lost its prepared statements (a pooler), and nothing else', async () => {
    for (const code of ['26000', '42P05']) {
      const client = new (preparingClientClass(FailingClient))(code);
      await expect(client.query('SELECT $1::int', [1])).rejects.toThrow(
        `failed with ${code} (${POOLER_HINT})`,
      );
      const errors: unknown[] = [];
      client.query('SELECT 1', (err: unknown) => errors.push(err));
      expect((errors[0] as Error).message).toBe(`failed with ${code} (${POOLER_HINT})`);
    }
    const other = new (preparingClientClass(FailingClient))('23505');
    await expect(other.query('SELECT $1::int', [1])).rejects.toThrow(/^failed with 23505$/);
    const once = Object.assign(new Error('x'), { code: '26000' });
    expect((withPoolerHint(withPoolerHint(once)) as Error).message).toBe(`x (${POOLER_HINT})`);
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
