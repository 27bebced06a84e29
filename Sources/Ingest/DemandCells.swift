import Postgres
import Warehouse

/// Keeps `demand_cells` (category, city, local date: bookings, sum of log price ratios, quotes, sum of
/// log quoted multipliers) current for the model, recomputing only the cells a batch touched: the new
/// and the old cell of every booking in the batch, and the cell of every new quote. A full run recomputes
/// every cell. Deleted-at-source rows do not count.
struct DemandCells {
  let schema: WarehouseSchema

  func refresh(_ warehouse: Connection, runID: Int64, everything: Bool) throws {
    let cells = schema.table("demand_cells").quoted
    let facts = schema.table("booking_facts").quoted
    let quotes = schema.table("quote_facts").quoted
    if everything {
      try warehouse.execute("DELETE FROM \(cells)")
      try warehouse.execute(
        "CREATE TEMP TABLE affected_cells ON COMMIT DROP AS SELECT NULL::text AS category, NULL::text AS city, NULL::date AS local_date WHERE false")
    } else {
      try warehouse.execute(
        """
        CREATE TEMP TABLE affected_cells ON COMMIT DROP AS
        SELECT service_category AS category, service_city AS city,
               (scheduled_for AT TIME ZONE time_zone)::date AS local_date
        FROM pg_temp.checked_bookings WHERE rule IS NULL
        UNION SELECT old_category, old_city, old_local_date FROM pg_temp.checked_bookings WHERE old_category IS NOT NULL
        UNION SELECT service_category, service_city, (scheduled_for AT TIME ZONE time_zone)::date
        FROM pg_temp.checked_quotes WHERE rule IS NULL AND scheduled_for IS NOT NULL;
        DELETE FROM affected_cells WHERE category IS NULL OR local_date IS NULL;
        ANALYZE affected_cells;
        DELETE FROM \(cells) c USING affected_cells a
        WHERE c.category = a.category AND c.city = a.city AND c.local_date = a.local_date
        """)
    }
    let onlyAffected =
      everything ? "" : "AND (category, city, local_date) IN (SELECT category, city, local_date FROM affected_cells)"
    try warehouse.query(
      SQLQuery(
        unsafeSQL: """
          INSERT INTO \(cells) (category, city, local_date, bookings, log_ratio_sum, quotes, quote_log_sum, run_id)
          SELECT category, city, local_date, sum(bookings)::int, sum(log_ratio_sum), sum(quotes)::int,
                 sum(quote_log_sum), $1
          FROM (
            SELECT category, city, local_date, count(*) AS bookings, sum(ln(price_ratio::float8)) AS log_ratio_sum,
                   0 AS quotes, 0::float8 AS quote_log_sum
            FROM \(facts) WHERE NOT source_deleted \(onlyAffected)
            GROUP BY 1, 2, 3
            UNION ALL
            SELECT category, city, local_date, 0, 0, count(*), sum(ln(multiplier::float8))
            FROM \(quotes) WHERE NOT source_deleted AND local_date IS NOT NULL AND multiplier > 0
              \(onlyAffected)
            GROUP BY 1, 2, 3) parts
          GROUP BY 1, 2, 3
          """, binds: [runID]))
  }
}
