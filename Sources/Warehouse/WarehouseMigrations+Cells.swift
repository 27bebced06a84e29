extension WarehouseMigrations {
  /// 4: the demand cells, maintained by ingest for the cells each batch touches (so that `pricing fit`
  /// reads ready aggregates instead of scanning every booking), and the cell of each quote.
  static let cells = Migration(
    version: 4, name: "demand_cells",
    sql: """
      CREATE TABLE {{schema}}.demand_cells (
        category        text NOT NULL,
        city            text NOT NULL,
        local_date      date NOT NULL,
        bookings        integer NOT NULL,
        log_ratio_sum   double precision NOT NULL,
        quotes          integer NOT NULL,
        quote_log_sum   double precision NOT NULL,
        run_id          bigint NOT NULL,
        PRIMARY KEY (category, city, local_date)
      );
      ALTER TABLE {{schema}}.quote_facts
        ADD COLUMN category text, ADD COLUMN city text, ADD COLUMN local_date date;
      CREATE INDEX quote_facts_cell ON {{schema}}.quote_facts (category, city, local_date);
      """)
}
