import Postgres
import Warehouse

/// Keeps `customer_first_bookings` (each customer's earliest slot date over bookings not deleted at the
/// source, any status) equal to what the facts say, for the report's customer and cohort tables.
///
/// An incremental run recomputes only the customers its batch touched (the booking's customer now and,
/// when the fact existed, before), each from the facts through the index on (user_id, local_date): a
/// booking moved to another date, deleted at the source or refused by validation can move a first
/// booking later as well as earlier, so deltas would not do. A customer left with no booking leaves the
/// table. A full run recomputes every customer.
struct CustomerFirstBookings {
  let schema: WarehouseSchema

  func refresh(_ warehouse: Connection, runID: Int64, everything: Bool) throws {
    let firsts = schema.table("customer_first_bookings").quoted
    let facts = schema.table("booking_facts").quoted
    if everything {
      try warehouse.execute("DELETE FROM \(firsts)")
      try warehouse.query(
        SQLQuery(
          unsafeSQL: """
            INSERT INTO \(firsts) (user_id, first_date, run_id)
            SELECT user_id, min(local_date), $1 FROM \(facts) WHERE NOT source_deleted GROUP BY user_id
            """, binds: [runID]))
      return
    }
    try warehouse.execute(
      """
      CREATE TEMP TABLE batch_first_bookings ON COMMIT DROP AS
      SELECT a.user_id,
             (SELECT min(f.local_date) FROM \(facts) f WHERE f.user_id = a.user_id AND NOT f.source_deleted)
               AS first_date
      FROM (SELECT user_id FROM pg_temp.checked_bookings WHERE user_id IS NOT NULL
            UNION SELECT old_user_id FROM pg_temp.checked_bookings WHERE old_user_id IS NOT NULL) a
      """)
    try warehouse.execute(
      """
      DELETE FROM \(firsts) t USING pg_temp.batch_first_bookings b
      WHERE t.user_id = b.user_id AND b.first_date IS NULL
      """)
    try warehouse.query(
      SQLQuery(
        unsafeSQL: """
          INSERT INTO \(firsts) AS t (user_id, first_date, run_id)
          SELECT user_id, first_date, $1 FROM pg_temp.batch_first_bookings WHERE first_date IS NOT NULL
          ON CONFLICT (user_id) DO UPDATE SET first_date = EXCLUDED.first_date, run_id = EXCLUDED.run_id
          WHERE t.first_date IS DISTINCT FROM EXCLUDED.first_date
          """, binds: [runID]))
  }
}
