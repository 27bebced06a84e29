extension WarehouseMigrations {
  /// 6: the customer index the report reads in order: each customer's bookings by slot date, with the
  /// deletion flag, so that first bookings, weekly customers and monthly cohorts come from one index-only
  /// scan and a streaming window instead of sorting every booking (docs/reports.md). It replaces the
  /// index on `user_id` alone, which it covers.
  static let reports = Migration(
    version: 6, name: "reports",
    sql: """
      CREATE INDEX booking_facts_user_date ON {{schema}}.booking_facts (user_id, local_date) INCLUDE (source_deleted);
      DROP INDEX {{schema}}.booking_facts_user;
      """)
}
