extension WarehouseMigrations {
  /// 13: what the nightly report reads instead of scanning every booking (docs/reports.md), each kept
  /// current as the facts change:
  /// - `customer_first_bookings`: each customer's first booking (the slot's local date of their earliest
  ///   booking not deleted at the source, any status); ingest recomputes the customers of each batch;
  /// - `booking_service_days`: the bookings of each slot date and service (with its provider, category,
  ///   city and currency) summed as the report's marketplace tables need them;
  /// - `rating_days`: the ratings of each slot date, provider, category, currency and star count.
  /// The two sums follow every write to `booking_facts` and `feedback_facts` through statement triggers
  /// that add the new rows and take away the old ones (transition tables), so no write path can miss
  /// them; rows of deleted bookings or feedback do not count. All three are filled from the facts here,
  /// the sums in date order: new days arrive at the end, so a period's rows stay close together on disk
  /// (and the fill factor leaves room for the in-place updates of the nightly deltas).
  static let reportStructures = Migration(
    version: 13, name: "report_structures",
    sql: """
      CREATE TABLE {{schema}}.customer_first_bookings (
        user_id    bigint PRIMARY KEY,
        first_date date NOT NULL,
        run_id     bigint
      );
      INSERT INTO {{schema}}.customer_first_bookings (user_id, first_date)
      SELECT user_id, min(local_date) FROM {{schema}}.booking_facts WHERE NOT source_deleted GROUP BY user_id;

      CREATE TABLE {{schema}}.booking_service_days (
        local_date        date NOT NULL,
        service_id        bigint NOT NULL,
        provider_id       bigint NOT NULL,
        category          text NOT NULL,
        city              text NOT NULL,
        currency          text NOT NULL,
        bookings          bigint NOT NULL,
        completed         bigint NOT NULL,
        cancelled         bigint NOT NULL,
        confirmed         bigint NOT NULL,
        pending           bigint NOT NULL,
        gmv               numeric NOT NULL,
        gmv_bookings      bigint NOT NULL,
        refunds           numeric NOT NULL,
        paid              numeric NOT NULL,
        refunded_bookings bigint NOT NULL,
        paid_bookings     bigint NOT NULL,
        failed_attempts   bigint NOT NULL,
        payments          bigint NOT NULL,
        ratio_sum         numeric NOT NULL,
        PRIMARY KEY (local_date, service_id, provider_id, category, city, currency)
      ) WITH (fillfactor = 90);
      CREATE TABLE {{schema}}.rating_days (
        local_date  date NOT NULL,
        provider_id bigint NOT NULL,
        category    text NOT NULL,
        currency    text NOT NULL,
        rating      smallint NOT NULL,
        ratings     bigint NOT NULL,
        PRIMARY KEY (local_date, provider_id, category, currency, rating)
      ) WITH (fillfactor = 90);
      \(serviceDaysFunctions)
      \(ratingDaysFunctions)
      INSERT INTO {{schema}}.booking_service_days
      SELECT \(serviceDayKeys), \(serviceDayMeasures(sign: "1"))
      FROM {{schema}}.booking_facts r WHERE NOT r.source_deleted GROUP BY \(serviceDayKeys) ORDER BY 1;
      INSERT INTO {{schema}}.rating_days
      SELECT b.local_date, b.provider_id, b.category, b.currency, f.rating, count(*)
      FROM {{schema}}.feedback_facts f JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
      WHERE NOT f.source_deleted AND NOT b.source_deleted GROUP BY 1, 2, 3, 4, 5 ORDER BY 1;
      ANALYZE {{schema}}.customer_first_bookings;
      ANALYZE {{schema}}.booking_service_days;
      ANALYZE {{schema}}.rating_days;
      """)

  static let serviceDayKeys = "r.local_date, r.service_id, r.provider_id, r.category, r.city, r.currency"

  /// The measures of `booking_service_days` over rows `r`, each counted `sign` times (+1 new, -1 old).
  static func serviceDayMeasures(sign s: String) -> String {
    """
    sum(\(s)), sum(CASE WHEN r.status = 'completed' THEN \(s) ELSE 0 END),
          sum(CASE WHEN r.status = 'cancelled' THEN \(s) ELSE 0 END),
          sum(CASE WHEN r.status = 'confirmed' THEN \(s) ELSE 0 END),
          sum(CASE WHEN r.status = 'pending' THEN \(s) ELSE 0 END),
          sum(CASE WHEN r.status IN ('confirmed', 'completed') THEN \(s) * r.charged_price ELSE 0 END),
          sum(CASE WHEN r.status IN ('confirmed', 'completed') THEN \(s) ELSE 0 END),
          sum(\(s) * r.refunded_amount), sum(\(s) * r.paid_amount),
          sum(CASE WHEN r.refunded_amount > 0 THEN \(s) ELSE 0 END), sum(CASE WHEN r.paid_amount > 0 THEN \(s) ELSE 0 END),
          sum(\(s) * r.failed_attempts), sum(\(s) * r.payment_count), sum(\(s) * r.price_ratio)
    """
  }

  /// The columns of a booking fact that `booking_service_days` depends on: an update changing none of
  /// them changes no sum and is skipped.
  static let serviceDayColumns =
    "local_date, service_id, provider_id, category, city, currency, status, charged_price, refunded_amount, paid_amount, failed_attempts, payment_count, price_ratio, source_deleted"

  /// `(n.a, n.b) IS DISTINCT FROM (o.a, o.b)` over a comma-separated column list: an update that
  /// changed one of them.
  static func changed(_ columns: String) -> String {
    "(n.\(columns.replacingOccurrences(of: ", ", with: ", n."))) IS DISTINCT FROM (o.\(columns.replacingOccurrences(of: ", ", with: ", o.")))"
  }

  /// Applies the rows of `changes` (a query giving booking facts with a `sign` column) to the sums, then
  /// drops the (day, service) rows left without bookings.
  static func applyServiceDays(_ changes: String) -> String {
    """
    INSERT INTO {{schema}}.booking_service_days AS d
        SELECT \(serviceDayKeys), \(serviceDayMeasures(sign: "r.sign"))
        FROM (\(changes)) r WHERE NOT r.source_deleted GROUP BY \(serviceDayKeys)
        ON CONFLICT (local_date, service_id, provider_id, category, city, currency) DO UPDATE SET
          bookings = d.bookings + EXCLUDED.bookings, completed = d.completed + EXCLUDED.completed,
          cancelled = d.cancelled + EXCLUDED.cancelled, confirmed = d.confirmed + EXCLUDED.confirmed,
          pending = d.pending + EXCLUDED.pending, gmv = d.gmv + EXCLUDED.gmv,
          gmv_bookings = d.gmv_bookings + EXCLUDED.gmv_bookings, refunds = d.refunds + EXCLUDED.refunds,
          paid = d.paid + EXCLUDED.paid, refunded_bookings = d.refunded_bookings + EXCLUDED.refunded_bookings,
          paid_bookings = d.paid_bookings + EXCLUDED.paid_bookings,
          failed_attempts = d.failed_attempts + EXCLUDED.failed_attempts, payments = d.payments + EXCLUDED.payments,
          ratio_sum = d.ratio_sum + EXCLUDED.ratio_sum;
      DELETE FROM {{schema}}.booking_service_days d
        USING (SELECT DISTINCT local_date, service_id FROM (\(changes)) r) c
        WHERE d.local_date = c.local_date AND d.service_id = c.service_id AND d.bookings = 0;
    """
  }

  static let serviceDaysFunctions = """
    CREATE FUNCTION {{schema}}.booking_service_days_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyServiceDays("SELECT 1 AS sign, n.* FROM new_facts n"))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.booking_service_days_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyServiceDays("SELECT -1 AS sign, o.* FROM old_facts o"))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.booking_service_days_update() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyServiceDays("""
        SELECT 1 AS sign, n.* FROM new_facts n JOIN old_facts o USING (booking_id)
          WHERE \(changed(serviceDayColumns))
        UNION ALL
        SELECT -1, o.* FROM old_facts o JOIN new_facts n USING (booking_id)
          WHERE \(changed(serviceDayColumns))
        """))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.booking_service_days_truncate() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      DELETE FROM {{schema}}.booking_service_days;
      DELETE FROM {{schema}}.rating_days;
      RETURN NULL;
    END $body$;
    CREATE TRIGGER booking_service_days_insert AFTER INSERT ON {{schema}}.booking_facts
      REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.booking_service_days_insert();
    CREATE TRIGGER booking_service_days_update AFTER UPDATE ON {{schema}}.booking_facts
      REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
      FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.booking_service_days_update();
    CREATE TRIGGER booking_service_days_delete AFTER DELETE ON {{schema}}.booking_facts
      REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.booking_service_days_delete();
    CREATE TRIGGER booking_service_days_truncate AFTER TRUNCATE ON {{schema}}.booking_facts
      FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.booking_service_days_truncate();
    """

  /// Applies ratings given as (local_date, provider_id, category, currency, rating, sign) rows.
  static func applyRatingDays(_ changes: String) -> String {
    """
    INSERT INTO {{schema}}.rating_days AS d
        SELECT local_date, provider_id, category, currency, rating, sum(sign)
        FROM (\(changes)) r GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (local_date, provider_id, category, currency, rating) DO UPDATE SET ratings = d.ratings + EXCLUDED.ratings;
      DELETE FROM {{schema}}.rating_days d
        USING (SELECT DISTINCT local_date, provider_id FROM (\(changes)) r) c
        WHERE d.local_date = c.local_date AND d.provider_id = c.provider_id AND d.ratings = 0;
    """
  }

  /// A rating counts when neither it nor its booking is deleted at the source.
  static let bookingRatingColumns = "local_date, provider_id, category, currency, source_deleted"

  static func ratingsOfBookings(_ table: String, sign: String) -> String {
    """
    SELECT b.local_date, b.provider_id, b.category, b.currency, f.rating, \(sign) AS sign
        FROM \(table) b JOIN {{schema}}.feedback_facts f ON f.booking_id = b.booking_id
        WHERE NOT b.source_deleted AND NOT f.source_deleted
    """
  }

  static func ratingsOfFeedback(_ table: String, sign: String) -> String {
    """
    SELECT b.local_date, b.provider_id, b.category, b.currency, f.rating, \(sign) AS sign
        FROM \(table) f JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
        WHERE NOT b.source_deleted AND NOT f.source_deleted
    """
  }

  static let ratingDaysFunctions = """
    CREATE FUNCTION {{schema}}.rating_days_bookings_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays(ratingsOfBookings("new_facts", sign: "1")))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_bookings_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays(ratingsOfBookings("old_facts", sign: "-1")))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_bookings_update() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays("""
        \(ratingsOfBookings("(SELECT n.* FROM new_facts n JOIN old_facts o USING (booking_id) WHERE \(changed(bookingRatingColumns)))", sign: "1"))
        UNION ALL
        \(ratingsOfBookings("(SELECT o.* FROM old_facts o JOIN new_facts n USING (booking_id) WHERE \(changed(bookingRatingColumns)))", sign: "-1"))
        """))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_feedback_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays(ratingsOfFeedback("new_feedback", sign: "1")))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_feedback_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays(ratingsOfFeedback("old_feedback", sign: "-1")))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_feedback_update() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      \(applyRatingDays("""
        \(ratingsOfFeedback("(SELECT n.* FROM new_feedback n JOIN old_feedback o USING (feedback_id) WHERE \(changed("booking_id, rating, source_deleted")))", sign: "1"))
        UNION ALL
        \(ratingsOfFeedback("(SELECT o.* FROM old_feedback o JOIN new_feedback n USING (feedback_id) WHERE \(changed("booking_id, rating, source_deleted")))", sign: "-1"))
        """))
      RETURN NULL;
    END $body$;
    CREATE FUNCTION {{schema}}.rating_days_feedback_truncate() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      DELETE FROM {{schema}}.rating_days;
      RETURN NULL;
    END $body$;
    CREATE TRIGGER rating_days_insert AFTER INSERT ON {{schema}}.booking_facts
      REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_bookings_insert();
    CREATE TRIGGER rating_days_update AFTER UPDATE ON {{schema}}.booking_facts
      REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
      FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_bookings_update();
    CREATE TRIGGER rating_days_delete AFTER DELETE ON {{schema}}.booking_facts
      REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_bookings_delete();
    CREATE TRIGGER rating_days_insert AFTER INSERT ON {{schema}}.feedback_facts
      REFERENCING NEW TABLE AS new_feedback FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_feedback_insert();
    CREATE TRIGGER rating_days_update AFTER UPDATE ON {{schema}}.feedback_facts
      REFERENCING OLD TABLE AS old_feedback NEW TABLE AS new_feedback
      FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_feedback_update();
    CREATE TRIGGER rating_days_delete AFTER DELETE ON {{schema}}.feedback_facts
      REFERENCING OLD TABLE AS old_feedback FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_feedback_delete();
    CREATE TRIGGER rating_days_truncate AFTER TRUNCATE ON {{schema}}.feedback_facts
      FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.rating_days_feedback_truncate();
    """
}

extension WarehouseMigrations {
  /// The fact tables whose writes the report's day sums follow (migration 13's triggers).
  public static let reportSumTables: Set<String> = ["booking_facts", "feedback_facts"]

  /// Recomputes the day sums that depend on `factTable` from the facts, in `schema`. For a load into an empty fact table, which runs with the triggers disabled: one
  /// aggregation, in date order and with the key built afterwards, is several times cheaper than
  /// carrying ten million rows through the triggers' transition tables.
  public static func rebuildReportSums(after factTable: String, schema: WarehouseSchema) -> String {
    rebuildReportSumsTemplate(after: factTable).replacingOccurrences(of: "{{schema}}", with: schema.name.quoted)
  }

  static func rebuildReportSumsTemplate(after factTable: String) -> String {
    let ratings = """
      DELETE FROM {{schema}}.rating_days;
      ALTER TABLE {{schema}}.rating_days DROP CONSTRAINT rating_days_pkey;
      INSERT INTO {{schema}}.rating_days
      SELECT b.local_date, b.provider_id, b.category, b.currency, f.rating, count(*)
      FROM {{schema}}.feedback_facts f JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
      WHERE NOT f.source_deleted AND NOT b.source_deleted GROUP BY 1, 2, 3, 4, 5 ORDER BY 1;
      ALTER TABLE {{schema}}.rating_days ADD CONSTRAINT rating_days_pkey
        PRIMARY KEY (local_date, provider_id, category, currency, rating);
      ANALYZE {{schema}}.rating_days;
      """
    guard factTable == "booking_facts" else { return ratings }
    return """
      DELETE FROM {{schema}}.booking_service_days;
      ALTER TABLE {{schema}}.booking_service_days DROP CONSTRAINT booking_service_days_pkey;
      INSERT INTO {{schema}}.booking_service_days
      SELECT \(serviceDayKeys), \(serviceDayMeasures(sign: "1"))
      FROM {{schema}}.booking_facts r WHERE NOT r.source_deleted GROUP BY \(serviceDayKeys) ORDER BY 1;
      ALTER TABLE {{schema}}.booking_service_days ADD CONSTRAINT booking_service_days_pkey
        PRIMARY KEY (local_date, service_id, provider_id, category, city, currency);
      ANALYZE {{schema}}.booking_service_days;
      \(ratings)
      """
  }
}
