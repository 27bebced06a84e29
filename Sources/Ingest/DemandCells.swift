import Postgres
import Warehouse

/// Keeps `demand_cells` (category, city, local date: bookings, sum of log price ratios, quotes, sum of
/// log quoted multipliers) current for the model.
///
/// Incremental runs apply the batch as deltas: each booking of the batch takes its old contribution away
/// from its old cell (if its fact existed and was not deleted) and adds its new one to its new cell (if it
/// passed validation); quotes likewise. So the cost follows the batch, not the cells it touches (1% of
/// the bookings spread over two years touch nearly every cell). Sums of logs may drift in the last bits
/// over many runs; a full run recomputes every cell from the facts. Deleted-at-source rows do not count.
struct DemandCells {
  let schema: WarehouseSchema

  func refresh(_ warehouse: Connection, runID: Int64, everything: Bool) throws {
    let cells = schema.table("demand_cells").quoted
    if everything {
      try warehouse.execute("DELETE FROM \(cells)")
      try warehouse.query(
        SQLQuery(
          unsafeSQL: """
            INSERT INTO \(cells) (category, city, local_date, bookings, log_ratio_sum, quotes, quote_log_sum, run_id)
            SELECT category, city, local_date, sum(bookings)::int, sum(log_ratio_sum), sum(quotes)::int,
                   sum(quote_log_sum), $1
            FROM (
              SELECT category, city, local_date, count(*) AS bookings, sum(ln(price_ratio::float8)) AS log_ratio_sum,
                     0 AS quotes, 0::float8 AS quote_log_sum
              FROM \(schema.table("booking_facts").quoted) WHERE NOT source_deleted
              GROUP BY 1, 2, 3
              UNION ALL
              SELECT category, city, local_date, 0, 0, count(*), sum(ln(multiplier::float8))
              FROM \(schema.table("quote_facts").quoted)
              WHERE NOT source_deleted AND local_date IS NOT NULL AND multiplier > 0
              GROUP BY 1, 2, 3) parts
            GROUP BY 1, 2, 3
            """, binds: [runID]))
      return
    }
    try warehouse.query(
      SQLQuery(
        unsafeSQL: """
          INSERT INTO \(cells) AS d (category, city, local_date, bookings, log_ratio_sum, quotes, quote_log_sum, run_id)
          SELECT category, city, local_date, sum(bookings)::int, sum(log_ratio_sum), sum(quotes)::int,
                 sum(quote_log_sum), $1
          FROM (
            SELECT old_category AS category, old_city AS city, old_local_date AS local_date, -1 AS bookings,
                   -ln(old_price_ratio::float8) AS log_ratio_sum, 0 AS quotes, 0::float8 AS quote_log_sum
            FROM pg_temp.checked_bookings WHERE old_category IS NOT NULL AND NOT old_source_deleted
            UNION ALL
            SELECT service_category, service_city, (scheduled_for AT TIME ZONE time_zone)::date, 1,
                   ln(round(price / list_price, 6)::float8), 0, 0
            FROM pg_temp.checked_bookings WHERE rule IS NULL
            UNION ALL
            SELECT old_category, old_city, old_local_date, 0, 0, -1, -ln(old_multiplier::float8)
            FROM pg_temp.checked_quotes
            WHERE old_category IS NOT NULL AND old_local_date IS NOT NULL AND NOT old_source_deleted AND old_multiplier > 0
            UNION ALL
            SELECT service_category, service_city, (scheduled_for AT TIME ZONE time_zone)::date, 0, 0, 1,
                   ln(multiplier::float8)
            FROM pg_temp.checked_quotes WHERE rule IS NULL AND scheduled_for IS NOT NULL) delta
          WHERE category IS NOT NULL AND local_date IS NOT NULL
          GROUP BY 1, 2, 3
          ON CONFLICT (category, city, local_date) DO UPDATE
          SET bookings = d.bookings + EXCLUDED.bookings, log_ratio_sum = d.log_ratio_sum + EXCLUDED.log_ratio_sum,
              quotes = d.quotes + EXCLUDED.quotes, quote_log_sum = d.quote_log_sum + EXCLUDED.quote_log_sum,
              run_id = EXCLUDED.run_id
          """, binds: [runID]))
    try warehouse.execute("DELETE FROM \(cells) WHERE bookings = 0 AND quotes = 0")
  }
}
