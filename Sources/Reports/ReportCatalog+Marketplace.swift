extension ReportCatalog {
  /// Bookings of the period: valid, not deleted upstream, slot's local date in [$1, $2].
  static let periodBookings = "NOT b.source_deleted AND b.local_date BETWEEN $1 AND $2"

  static let marketplaceTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "marketplace_weekly", title: "Marketplace by week, category and city",
      caption:
        "Week = Monday of the slot's local week. GMV = booking prices of confirmed and completed bookings; net revenue = paid minus refunded; rates are shares (0.0123 = 1.23%). Money in the city's currency.",
      htmlRowLimit: 40,
      sql: """
        SELECT date_trunc('week', b.local_date)::date AS week, b.category, b.city, b.currency,
               count(*) AS bookings,
               count(*) FILTER (WHERE b.status = 'completed') AS completed,
               count(*) FILTER (WHERE b.status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE b.status = 'confirmed') AS confirmed,
               count(*) FILTER (WHERE b.status = 'pending') AS pending,
               round(coalesce(sum(b.charged_price) FILTER (WHERE b.status IN ('confirmed', 'completed')), 0), 2) AS gmv,
               round(sum(b.refunded_amount), 2) AS refunds,
               round(sum(b.paid_amount) - sum(b.refunded_amount), 2) AS net_revenue,
               round(count(*) FILTER (WHERE b.status = 'cancelled')::numeric / count(*), 4) AS cancellation_rate,
               round(count(*) FILTER (WHERE b.refunded_amount > 0)::numeric
                     / nullif(count(*) FILTER (WHERE b.paid_amount > 0), 0), 4) AS refund_rate,
               round(sum(b.failed_attempts)::numeric / nullif(sum(b.payment_count), 0), 4) AS payment_failure_rate,
               round(sum(b.failed_attempts)::numeric / count(*), 4) AS failed_payments_per_booking,
               round(avg(b.charged_price) FILTER (WHERE b.status IN ('confirmed', 'completed')), 2) AS average_order_value
        FROM {{schema}}.booking_facts b
        WHERE \(periodBookings)
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
        """),
    ReportTableSpec(
      id: "weekly_totals", title: "Marketplace by week",
      caption:
        "All categories and cities per week and currency (money is never added across currencies). Payment failure rate = failed attempts / attempts; per booking = failed attempts / bookings.",
      sql: """
        SELECT date_trunc('week', b.local_date)::date AS week, b.currency,
               count(*) AS bookings,
               count(*) FILTER (WHERE b.status = 'completed') AS completed,
               count(*) FILTER (WHERE b.status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE b.status = 'confirmed') AS confirmed,
               count(*) FILTER (WHERE b.status = 'pending') AS pending,
               round(coalesce(sum(b.charged_price) FILTER (WHERE b.status IN ('confirmed', 'completed')), 0), 2) AS gmv,
               round(sum(b.refunded_amount), 2) AS refunds,
               round(sum(b.paid_amount) - sum(b.refunded_amount), 2) AS net_revenue,
               round(count(*) FILTER (WHERE b.status = 'cancelled')::numeric / count(*), 4) AS cancellation_rate,
               round(count(*) FILTER (WHERE b.refunded_amount > 0)::numeric
                     / nullif(count(*) FILTER (WHERE b.paid_amount > 0), 0), 4) AS refund_rate,
               round(sum(b.failed_attempts)::numeric / nullif(sum(b.payment_count), 0), 4) AS payment_failure_rate,
               round(sum(b.failed_attempts)::numeric / count(*), 4) AS failed_payments_per_booking,
               round(avg(b.charged_price) FILTER (WHERE b.status IN ('confirmed', 'completed')), 2) AS average_order_value
        FROM {{schema}}.booking_facts b
        WHERE \(periodBookings)
        GROUP BY 1, 2 ORDER BY 1, 2
        """),
    ReportTableSpec(
      id: "bookings_by_status", title: "Bookings by status and week",
      caption: "Every booking of the period by the week of its slot and its status.",
      sql: """
        SELECT date_trunc('week', b.local_date)::date AS week, count(*) AS bookings,
               count(*) FILTER (WHERE b.status = 'completed') AS completed,
               count(*) FILTER (WHERE b.status = 'confirmed') AS confirmed,
               count(*) FILTER (WHERE b.status = 'pending') AS pending,
               count(*) FILTER (WHERE b.status = 'cancelled') AS cancelled
        FROM {{schema}}.booking_facts b
        WHERE \(periodBookings)
        GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "customers_weekly", title: "New and repeat customers by week",
      caption:
        "A customer is new in the week of their first booking ever (any status); repeat otherwise. Repeat rate = repeat / customers.",
      sql: """
        WITH firsts AS (
          SELECT user_id, date_trunc('week', min(local_date))::date AS first_week
          FROM {{schema}}.booking_facts WHERE NOT source_deleted GROUP BY user_id
        ), weekly AS (
          SELECT DISTINCT date_trunc('week', b.local_date)::date AS week, b.user_id
          FROM {{schema}}.booking_facts b WHERE \(periodBookings)
        )
        SELECT w.week, count(*) AS customers,
               count(*) FILTER (WHERE f.first_week = w.week) AS new_customers,
               count(*) FILTER (WHERE f.first_week < w.week) AS repeat_customers,
               round(count(*) FILTER (WHERE f.first_week < w.week)::numeric / count(*), 4) AS repeat_rate
        FROM weekly w JOIN firsts f USING (user_id)
        GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "cohort_retention", title: "Monthly cohort retention",
      caption:
        "Customers grouped by the month of their first booking (cohorts starting in the period); retention = share of the cohort booking again n months later.",
      htmlRowLimit: 80,
      sql: """
        WITH firsts AS (
          SELECT user_id, date_trunc('month', min(local_date))::date AS cohort
          FROM {{schema}}.booking_facts WHERE NOT source_deleted GROUP BY user_id
        ), active AS (
          SELECT DISTINCT b.user_id, date_trunc('month', b.local_date)::date AS month
          FROM {{schema}}.booking_facts b
          WHERE NOT b.source_deleted AND b.local_date BETWEEN date_trunc('month', $1::date) AND $2
        ), counted AS (
          SELECT f.cohort,
                 ((extract(year FROM a.month) - extract(year FROM f.cohort)) * 12
                  + extract(month FROM a.month) - extract(month FROM f.cohort))::int AS months_since,
                 count(*) AS customers
          FROM firsts f JOIN active a USING (user_id)
          WHERE f.cohort BETWEEN date_trunc('month', $1::date) AND $2 AND a.month >= f.cohort
          GROUP BY 1, 2
        )
        SELECT cohort, months_since, customers,
               round(customers::numeric / first_value(customers) OVER (PARTITION BY cohort ORDER BY months_since), 4)
                 AS retention
        FROM counted ORDER BY 1, 2
        """),
    ReportTableSpec(
      id: "provider_utilisation", title: "Provider utilisation by category and city",
      caption:
        "Booked slots (bookings not cancelled) / capacity (the providers' weekly capacity x weeks in the period), over the providers with an active service in the category and city.",
      htmlRowLimit: 200,
      sql: """
        WITH provider_cells AS (
          SELECT DISTINCT provider_id, category, city FROM {{schema}}.services WHERE active AND NOT source_deleted
        ), booked AS (
          SELECT b.provider_id, b.category, b.city, count(*) AS slots
          FROM {{schema}}.booking_facts b WHERE \(periodBookings) AND b.status <> 'cancelled'
          GROUP BY 1, 2, 3
        )
        SELECT pc.category, pc.city, count(*) AS providers, coalesce(sum(bk.slots), 0) AS booked_slots,
               round(sum(p.weekly_capacity) * ($2::date - $1::date + 1) / 7.0, 1) AS capacity_slots,
               round(coalesce(sum(bk.slots), 0) / nullif(sum(p.weekly_capacity) * ($2::date - $1::date + 1) / 7.0, 0), 4)
                 AS utilisation
        FROM provider_cells pc
        JOIN {{schema}}.providers p ON p.provider_id = pc.provider_id AND NOT p.source_deleted
        LEFT JOIN booked bk ON bk.provider_id = pc.provider_id AND bk.category = pc.category AND bk.city = pc.city
        GROUP BY 1, 2 ORDER BY 1, 2
        """),
    ReportTableSpec(
      id: "rating_distribution", title: "Rating distribution",
      caption: "Feedback on the period's bookings by rating (1 to 5 stars).",
      sql: """
        WITH rated AS (
          SELECT f.rating FROM {{schema}}.feedback_facts f
          JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
          WHERE \(periodBookings) AND NOT f.source_deleted
        )
        SELECT r.rating, count(rated.rating) AS ratings,
               round(count(rated.rating)::numeric / (SELECT count(*) FROM rated), 4) AS share
        FROM generate_series(1, 5) AS r(rating) LEFT JOIN rated ON rated.rating = r.rating
        WHERE EXISTS (SELECT FROM rated)
        GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "ratings_by_category", title: "Ratings by category",
      caption: "Count of each rating and the average, per category, over the period's bookings.",
      sql: """
        SELECT b.category, count(*) AS ratings, round(avg(f.rating), 2) AS average_rating,
               count(*) FILTER (WHERE f.rating = 1) AS stars_1, count(*) FILTER (WHERE f.rating = 2) AS stars_2,
               count(*) FILTER (WHERE f.rating = 3) AS stars_3, count(*) FILTER (WHERE f.rating = 4) AS stars_4,
               count(*) FILTER (WHERE f.rating = 5) AS stars_5
        FROM {{schema}}.feedback_facts f JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
        WHERE \(periodBookings) AND NOT f.source_deleted
        GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "provider_leaderboard", title: "Provider leaderboard",
      caption:
        "The 10 providers with the most net revenue (paid minus refunded) per currency over the period, with their bookings and average rating (and how many ratings it rests on).",
      sql: """
        WITH per_provider AS (
          SELECT b.provider_id, b.currency, min(b.category) AS category, min(b.city) AS city,
                 count(*) AS bookings, count(*) FILTER (WHERE b.status = 'completed') AS completed,
                 round(sum(b.paid_amount) - sum(b.refunded_amount), 2) AS net_revenue
          FROM {{schema}}.booking_facts b WHERE \(periodBookings)
          GROUP BY 1, 2
        ), ranked AS (
          SELECT *, row_number() OVER (PARTITION BY currency ORDER BY net_revenue DESC, provider_id) AS rank
          FROM per_provider
        )
        SELECT r.currency, r.rank, r.provider_id, r.category, r.city, r.bookings, r.completed, r.net_revenue,
               round(avg(f.rating), 2) AS average_rating, count(f.rating) AS ratings
        FROM ranked r
        LEFT JOIN {{schema}}.booking_facts b
          ON b.provider_id = r.provider_id AND b.currency = r.currency AND \(periodBookings)
        LEFT JOIN {{schema}}.feedback_facts f ON f.booking_id = b.booking_id AND NOT f.source_deleted
        WHERE r.rank <= 10
        GROUP BY r.currency, r.rank, r.provider_id, r.category, r.city, r.bookings, r.completed, r.net_revenue
        ORDER BY r.currency, r.rank
        """),
    ReportTableSpec(
      id: "top_services", title: "Most booked services",
      caption: "The 20 services with the most bookings in the period, with their title as the provider wrote it.",
      sql: """
        SELECT s.service_id, s.title, b.category, b.city, count(*) AS bookings,
               count(*) FILTER (WHERE b.status = 'cancelled') AS cancelled, b.currency,
               round(coalesce(sum(b.charged_price) FILTER (WHERE b.status IN ('confirmed', 'completed')), 0), 2) AS gmv
        FROM {{schema}}.booking_facts b JOIN {{schema}}.services s ON s.service_id = b.service_id
        WHERE \(periodBookings)
        GROUP BY s.service_id, s.title, b.category, b.city, b.currency
        ORDER BY bookings DESC, s.service_id LIMIT 20
        """),
    ReportTableSpec(
      id: "low_rating_comments", title: "Recent low ratings",
      caption:
        "The 20 most recent ratings of 1 or 2 stars in the period with the customer's comment (keys only, no names).",
      sql: """
        SELECT f.feedback_id, f.booking_id, b.category, b.city, f.rating,
               to_char(f.created_at, 'YYYY-MM-DD') AS rated_on, f.comment
        FROM {{schema}}.feedback_facts f JOIN {{schema}}.booking_facts b ON b.booking_id = f.booking_id
        WHERE \(periodBookings) AND NOT f.source_deleted AND f.rating <= 2
        ORDER BY f.created_at DESC NULLS LAST, f.feedback_id DESC LIMIT 20
        """),
    ReportTableSpec(
      id: "catalogue_coverage", title: "Service catalogue coverage",
      caption: "Active services and their providers per category and city (now, not limited to the period).",
      htmlRowLimit: 200,
      sql: """
        SELECT category, city, count(*) AS active_services, count(DISTINCT provider_id) AS providers
        FROM {{schema}}.services WHERE active AND NOT source_deleted
        GROUP BY 1, 2 ORDER BY 1, 2
        """),
  ]

  static let marketplaceSections: [ReportSectionSpec] = [
    ReportSectionSpec(
      id: "marketplace", title: "Marketplace",
      intro: "Bookings, money and payment health by the week of the booked slot.",
      blocks: [
        .chart(
          .lines(
            table: "bookings_by_status", x: "week", series: ["bookings", "completed", "cancelled"],
            title: "Bookings per week",
            description: "All bookings, completed and cancelled bookings per week of the slot date.")),
        .table("bookings_by_status"),
        .table("weekly_totals"),
        .table("marketplace_weekly"),
      ]),
    ReportSectionSpec(
      id: "customers", title: "Customers",
      intro: "New against repeat customers, and how monthly cohorts come back.",
      blocks: [
        .chart(
          .lines(
            table: "customers_weekly", x: "week", series: ["new_customers", "repeat_customers"],
            title: "New and repeat customers per week",
            description: "Distinct customers with a booking in the week, split by whether it was their first week.")),
        .table("customers_weekly"),
        .chart(
          .heatMap(
            table: "cohort_retention", row: "cohort", column: "months_since", value: "retention", splitBy: nil,
            midpoint: nil, title: "Cohort retention",
            description: "Share of each monthly cohort with a booking n months after its first; darker is higher.")),
        .table("cohort_retention"),
      ]),
    ReportSectionSpec(
      id: "providers", title: "Providers and quality",
      intro: "How full the providers are, how customers rate them, and who leads.",
      blocks: [
        .chart(
          .heatMap(
            table: "provider_utilisation", row: "category", column: "city", value: "utilisation", splitBy: nil,
            midpoint: nil, title: "Provider utilisation",
            description: "Booked slots over capacity per category and city; darker is fuller.")),
        .table("provider_utilisation"),
        .chart(
          .bars(
            table: "rating_distribution", label: "rating", value: "ratings", title: "Ratings",
            description: "Number of ratings with 1 to 5 stars.")),
        .table("rating_distribution"),
        .table("ratings_by_category"),
        .table("low_rating_comments"),
        .table("provider_leaderboard"),
        .table("top_services"),
        .chart(
          .heatMap(
            table: "catalogue_coverage", row: "category", column: "city", value: "active_services", splitBy: nil,
            midpoint: nil, title: "Active services",
            description: "Active services per category and city; an empty cell has none.")),
        .table("catalogue_coverage"),
      ]),
  ]
}
