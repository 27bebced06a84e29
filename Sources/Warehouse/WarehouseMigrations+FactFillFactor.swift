extension WarehouseMigrations {
  /// 9: the fact tables that ingest updates in place leave a tenth of each page free (`fillfactor = 90`).
  ///
  /// A nightly run updates about 1% of the bookings (a status, payment totals) and the demand cells it
  /// touches, none of them in an indexed column: with room on the row's page PostgreSQL writes the new
  /// version there and skips every index (a HOT update), where a full page makes it put the row elsewhere
  /// and add an entry to each of the table's indexes. On the 10M-booking benchmark (docs/benchmarks.md),
  /// the incremental run after 1% of the bookings changed took 7.6 s instead of 9.3 s, with 96,428 of its
  /// 96,429 booking updates HOT (15% before). The setting applies to pages written from now on: a first
  /// load gets it; an existing warehouse's pages get it when rewritten (`VACUUM FULL`, docs/operations.md).
  static let factFillFactor = Migration(
    version: 9, name: "fact_fillfactor",
    sql: """
      ALTER TABLE {{schema}}.booking_facts SET (fillfactor = 90);
      ALTER TABLE {{schema}}.payment_facts SET (fillfactor = 90);
      ALTER TABLE {{schema}}.demand_cells SET (fillfactor = 90);
      """)
}
