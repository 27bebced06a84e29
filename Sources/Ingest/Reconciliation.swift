import Postgres
import Warehouse

/// Bookings against payments: the open inconsistencies in `reconciliation_exceptions` (docs/contracts.md
/// section 4), and each booking fact's payment totals.
///
/// Kinds: `completed_unpaid` (completed, no successful payment), `cancelled_paid_not_refunded`
/// (cancelled, more paid than refunded), `refund_above_paid` (refunds above what was paid),
/// `payment_for_unknown_booking` (a valid payment whose booking is not in the warehouse),
/// `duplicate_successful_payments` (two or more `succeeded` payments for one booking),
/// `currency_mismatch` (a payment in another currency than its booking). "Paid" counts payments in status
/// succeeded, refunded or partially_refunded; "refunded" sums the refunds of every payment, so a refund
/// recorded on a failed or pending payment shows up as `refund_above_paid`.
///
/// Incremental runs recompute only the bookings the batch touched (its bookings and the bookings of its
/// payments) and recheck the open unknown-booking exceptions; full runs recompute everything.
struct Reconciliation {
  let schema: WarehouseSchema

  /// A booking's payment totals over its payments `p` (grouped by booking): paid (succeeded, refunded,
  /// partially refunded), refunded (every payment's refunds), failed attempts, payments.
  static let paymentTotals = """
    coalesce(sum(p.amount) FILTER (WHERE p.status IN ('succeeded', 'refunded', 'partially_refunded')), 0) AS paid,
    coalesce(sum(p.refunded_amount), 0) AS refunded,
    count(p.payment_id) FILTER (WHERE p.status = 'failed')::int AS failed,
    count(p.payment_id)::int AS payments
    """

  /// Exception kinds that depend on a booking's own row (status, currency, payment totals).
  static let bookingKinds = "'completed_unpaid', 'cancelled_paid_not_refunded', 'refund_above_paid'"
  /// Exception kinds that depend on a booking's payments one by one.
  static let paymentKinds = "'duplicate_successful_payments', 'currency_mismatch'"

  func refresh(_ warehouse: Connection, runID: Int64, everything: Bool) throws {
    let facts = schema.table("booking_facts").quoted
    let payments = schema.table("payment_facts").quoted
    let exceptions = schema.table("reconciliation_exceptions").quoted
    // The bookings and payments to check: everything (a full run reads the facts directly: a filter by
    // ten million keys costs more than the checks), or the batch's bookings and the bookings of its
    // payments, looked up once by index (not a scan per check).
    let checkedFacts: String
    let checkedPayments: String
    if everything {
      checkedFacts =
        "(SELECT booking_id, status, currency, paid_amount, refunded_amount FROM \(facts) WHERE NOT source_deleted)"
      checkedPayments = "(SELECT payment_id, booking_id, currency, status FROM \(payments) WHERE NOT source_deleted)"
      try warehouse.execute("DELETE FROM \(exceptions) WHERE kind <> 'payment_for_unknown_booking'")
    } else {
      checkedFacts = "affected_facts"
      checkedPayments = "affected_payments"
      try warehouse.execute(
        """
        CREATE TEMP TABLE affected_bookings ON COMMIT DROP AS
        SELECT booking_id FROM pg_temp.checked_bookings WHERE rule IS NULL
        UNION SELECT booking_id FROM pg_temp.checked_payments WHERE booking_id IS NOT NULL
        """)
      try warehouse.execute("ALTER TABLE affected_bookings ADD PRIMARY KEY (booking_id); ANALYZE affected_bookings")
      // Payment totals of bookings whose payments changed but which were not in the batch themselves
      // (the batch's bookings got theirs as they were merged).
      try warehouse.execute(
        """
        UPDATE \(facts) f
        SET paid_amount = t.paid, refunded_amount = t.refunded, failed_attempts = t.failed, payment_count = t.payments
        FROM (
          SELECT a.booking_id, \(Self.paymentTotals)
          FROM (SELECT booking_id FROM affected_bookings
                EXCEPT SELECT booking_id FROM pg_temp.checked_bookings) a
          LEFT JOIN \(payments) p ON p.booking_id = a.booking_id AND NOT p.source_deleted
          GROUP BY a.booking_id) t
        WHERE f.booking_id = t.booking_id
          AND (f.paid_amount, f.refunded_amount, f.failed_attempts, f.payment_count)
              IS DISTINCT FROM (t.paid, t.refunded, t.failed, t.payments)
        """)
      // The batch's valid bookings are in the facts exactly as checked (just merged, not deleted): their
      // values come from the checked batch, without looking them up again.
      try warehouse.execute(
        """
        CREATE TEMP TABLE affected_facts ON COMMIT DROP AS
        SELECT c.booking_id, c.status, c.currency, c.paid_amount, c.refunded_amount
        FROM pg_temp.checked_bookings c WHERE c.rule IS NULL
        UNION ALL
        SELECT f.booking_id, f.status, f.currency, f.paid_amount, f.refunded_amount FROM \(facts) f
        WHERE f.booking_id IN (SELECT booking_id FROM affected_bookings
                               EXCEPT SELECT booking_id FROM pg_temp.checked_bookings)
          AND NOT f.source_deleted;
        ANALYZE affected_facts
        """)
      // The payment checks (duplicate successful payments, currency mismatch) of a booking can only change
      // with its payments, its currency, or its arrival in (or return to) the facts: only those bookings'
      // payments are read again. A change of status alone reads no payment.
      try warehouse.execute(
        """
        CREATE TEMP TABLE payment_affected_bookings ON COMMIT DROP AS
        SELECT booking_id FROM pg_temp.checked_bookings
        WHERE rule IS NULL AND (old_source_deleted IS DISTINCT FROM false OR old_currency IS DISTINCT FROM currency)
        UNION SELECT booking_id FROM pg_temp.checked_payments WHERE booking_id IS NOT NULL;
        ANALYZE payment_affected_bookings
        """)
      try warehouse.execute(
        """
        CREATE TEMP TABLE affected_payments ON COMMIT DROP AS
        SELECT p.payment_id, p.booking_id, p.currency, p.status FROM \(payments) p
        WHERE p.booking_id IN (SELECT booking_id FROM payment_affected_bookings) AND NOT p.source_deleted;
        ANALYZE affected_payments
        """)
      try warehouse.execute(
        """
        DELETE FROM \(exceptions) e USING affected_bookings a
        WHERE e.booking_id = a.booking_id AND e.kind IN (\(Self.bookingKinds))
        """)
      try warehouse.execute(
        """
        DELETE FROM \(exceptions) e USING payment_affected_bookings a
        WHERE e.booking_id = a.booking_id AND e.kind IN (\(Self.paymentKinds))
        """)
    }

    // Booking-level exceptions of the checked bookings: the three booking checks share one scan.
    try warehouse.query(
      SQLQuery(
        unsafeSQL: """
          INSERT INTO \(exceptions) (kind, booking_id, payment_id, detail, run_id)
          SELECT k.kind, f.booking_id, NULL::bigint, k.detail, $1
          FROM (SELECT * FROM \(checkedFacts) f
                WHERE (f.status = 'completed' AND f.paid_amount = 0)
                   OR (f.status = 'cancelled' AND f.paid_amount > f.refunded_amount)
                   OR f.refunded_amount > f.paid_amount) f
          CROSS JOIN LATERAL (VALUES
            ('completed_unpaid', f.status = 'completed' AND f.paid_amount = 0,
             'completed booking has no successful payment'),
            ('cancelled_paid_not_refunded', f.status = 'cancelled' AND f.paid_amount > f.refunded_amount,
             'cancelled booking kept ' || (f.paid_amount - f.refunded_amount) || ' ' || f.currency),
            ('refund_above_paid', f.refunded_amount > f.paid_amount,
             'refunded ' || f.refunded_amount || ' of ' || f.paid_amount || ' paid')) AS k(kind, applies, detail)
          WHERE k.applies
          UNION ALL
          SELECT 'duplicate_successful_payments', p.booking_id, max(p.payment_id),
                 count(*) || ' succeeded payments', $1
          FROM \(checkedPayments) p
          WHERE p.status = 'succeeded'
          GROUP BY p.booking_id HAVING count(*) > 1
          UNION ALL
          SELECT 'currency_mismatch', f.booking_id, p.payment_id,
                 'payment in ' || p.currency || ', booking in ' || f.currency, $1
          FROM \(checkedPayments) p JOIN \(checkedFacts) f ON f.booking_id = p.booking_id
          WHERE p.currency <> f.currency
          ON CONFLICT DO NOTHING
          """, binds: [runID]))

    // Payments whose booking is unknown: the batch's payments and the ones already open.
    if everything {
      try warehouse.execute("DELETE FROM \(exceptions) WHERE kind = 'payment_for_unknown_booking'")
    } else {
      try warehouse.execute(
        """
        CREATE TEMP TABLE payment_candidates ON COMMIT DROP AS
        SELECT payment_id FROM pg_temp.checked_payments WHERE rule IS NULL
        UNION SELECT payment_id FROM \(exceptions) WHERE kind = 'payment_for_unknown_booking'
        """)
      try warehouse.execute(
        """
        DELETE FROM \(exceptions) e USING payment_candidates c
        WHERE e.kind = 'payment_for_unknown_booking' AND e.payment_id = c.payment_id
        """)
    }
    let candidatePayments = everything ? "" : "JOIN payment_candidates c USING (payment_id)"
    try warehouse.query(
      SQLQuery(
        unsafeSQL: """
          INSERT INTO \(exceptions) (kind, booking_id, payment_id, detail, run_id)
          SELECT 'payment_for_unknown_booking', p.booking_id, p.payment_id,
                 'payment for booking ' || p.booking_id || ', which is not in the warehouse', $1
          FROM \(payments) p \(candidatePayments)
          WHERE NOT p.source_deleted
            AND NOT EXISTS (SELECT 1 FROM \(facts) f WHERE f.booking_id = p.booking_id AND NOT f.source_deleted)
          ON CONFLICT DO NOTHING
          """, binds: [runID]))
  }
}
