'use strict';
// The pattern of mysql2's pool tests: one pooled connection kills another with
// `KILL <threadId>; SELECT SLEEP(0.05)` sent as one multi-statement query, then the pool
// hands out a working connection again. Prints one JSON line of what happened; exits 1 on an
// unexpected error. Connects to TURNOUT_PORT on 127.0.0.1 as TURNOUT_USER / TURNOUT_PASSWORD.
const mysql = require('mysql2/promise');

async function main() {
  const pool = mysql.createPool({
    host: '127.0.0.1',
    port: Number(process.env.TURNOUT_PORT),
    user: process.env.TURNOUT_USER,
    password: process.env.TURNOUT_PASSWORD,
    database: 'test',
    multipleStatements: true,
    connectionLimit: 3,
  });
  const outcome = {};
  try {
    for (let round = 0; round < 3; round++) {
      const victim = await pool.getConnection();
      const killer = await pool.getConnection();
      const [results] = await killer.query(`KILL ${victim.threadId}; SELECT SLEEP(0.05) AS slept`);
      outcome.killed = (outcome.killed || 0) + 1;
      outcome.slept = results[1][0].slept;
      try {
        await victim.query('SELECT 1');
        outcome.victimAnswered = true;
      } catch (e) {
        outcome.victimError = e.code;
      }
      victim.destroy();
      killer.release();
    }
    const [rows] = await pool.query('SELECT 40 + 2 AS answer');
    outcome.answer = rows[0].answer;
  } finally {
    await pool.end();
  }
  console.log(JSON.stringify(outcome));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: e.code || String(e), message: e.message }));
  process.exit(1);
});
