import { type MigrationInterface, type QueryRunner } from 'typeorm';

// plan_counts_sync (migration PlanCounters) runs on every write to cases and case_steps, most often for one case. Its
// statements take the case ids as a parameter, and PostgreSQL planned them anew on every call: a plan for one id looks
// cheaper than the generic plan, so the plan cache never kept one. Measured with pg_stat_statements
// (`npm run bench -- --pg-statements`), the planning of the contribution query alone was 1.1-1.5 ms a call, more than
// its execution, and the function's planning about 2 ms of every recorded transition (a case start records two).
// Every statement of the function is written for any number of ids (each drives index probes from unnest(ids)), so
// one generic plan per connection serves one id and a bulk write alike. Reviewed SQL; never edit after it lands.
export class PlanCountsGenericPlans1765065600000 implements MigrationInterface {
  name = 'PlanCountsGenericPlans1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION plan_counts_sync(uuid[]) SET plan_cache_mode = force_generic_plan`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION plan_counts_sync(uuid[]) RESET plan_cache_mode`);
  }
}
