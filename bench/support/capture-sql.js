// Preloaded into the API child by the dashboard benchmark (`node -r`): while the file named by
// NAPFLOW_BENCH_SQL_CAPTURE exists, every statement the API sends to PostgreSQL is appended to `<that file>.sql`
// as JSON lines, so the baseline can replay exactly the same SQL through bare pg.
'use strict';
const fs = require('node:fs');
const flag = process.env.NAPFLOW_BENCH_SQL_CAPTURE;
if (flag) {
  const pg = require('pg');
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function capture(config, values, callback) {
    if (fs.existsSync(flag)) {
      const text = typeof config === 'string' ? config : config && config.text;
      const params = Array.isArray(values) ? values : config && config.values;
      if (typeof text === 'string')
        fs.appendFileSync(`${flag}.sql`, `${JSON.stringify({ text, params: params ?? [] })}\n`);
    }
    return original.apply(this, arguments);
  };
}
