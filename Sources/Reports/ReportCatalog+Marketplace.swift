extension ReportCatalog {
  /// Bookings of the period: valid, not deleted upstream, slot's local date in [$1, $2].
  static let periodBookings = "NOT b.source_deleted AND b.local_date BETWEEN $1 AND $2"

  /// The Monday of a date's ISO week in integer date arithmetic (2000-01-03 was a Monday): several times
  /// cheaper per row than `date_trunc`, which goes through a time-zone-aware timestamp.
  static func monday(_ date: String) -> String {
    "(\(date) - ((\(date) - DATE '2000-01-03') % 7 + 7) % 7)"
  }

  /// Work tables the marketplace tables share, built once per report (temporary, dropped at its end):
  /// the period's bookings summed per week and service, and the period's ratings per provider and
  /// rating. Both read the per-day sums the warehouse keeps as the facts change (`booking_service_days`,
  /// `rating_days`, migration 13), so their cost follows the period's days, not the history's bookings.
  ///
  /// The weekly sums also hold the summary's comparison weeks (the week before the last complete one and
  /// the week 52 weeks earlier) when they lie outside the period: those rows have `in_period` false, and
  /// every table of the period reads `WHERE in_period`.
  static let marketplaceWorkTables: [ReportWorkTable] = [
    ReportWorkTable(
      id: "report_service_weeks",
      sql: """
        CREATE TEMP TABLE report_service_weeks ON COMMIT DROP AS
        SELECT \(monday("d.local_date")) AS week, d.local_date BETWEEN $1 AND $2 AS in_period, d.service_id,
               d.provider_id, d.category, d.city, d.currency, sum(d.bookings)::bigint AS bookings,
               sum(d.completed)::bigint AS completed, sum(d.cancelled)::bigint AS cancelled,
               sum(d.confirmed)::bigint AS confirmed, sum(d.pending)::bigint AS pending, sum(d.gmv) AS gmv,
               sum(d.gmv_bookings)::bigint AS gmv_bookings, sum(d.refunds) AS refunds, sum(d.paid) AS paid,
               sum(d.refunded_bookings)::bigint AS refunded_bookings, sum(d.paid_bookings)::bigint AS paid_bookings,
               sum(d.failed_attempts)::bigint AS failed_attempts, sum(d.payments)::bigint AS payments,
               sum(d.ratio_sum) AS ratio_sum
        FROM {{schema}}.booking_service_days d
        WHERE d.local_date BETWEEN $1 AND $2
           OR d.local_date BETWEEN \(lastCompleteWeek) - 7 AND \(lastCompleteWeek) - 1
           OR d.local_date BETWEEN \(lastCompleteWeek) - 364 AND \(lastCompleteWeek) - 358
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """),
    ReportWorkTable(
      id: "report_ratings",
      sql: """
        CREATE TEMP TABLE report_ratings ON COMMIT DROP AS
        SELECT provider_id, category, currency, rating, sum(ratings)::bigint AS ratings
        FROM {{schema}}.rating_days WHERE local_date BETWEEN $1 AND $2
        GROUP BY 1, 2, 3, 4
        """),
  ]

  /// The measures of `marketplace_weekly` and `weekly_totals` over rows of `report_service_weeks`.
  static let weeklyMeasures = """
    sum(bookings) AS bookings, sum(completed) AS completed, sum(cancelled) AS cancelled,
           sum(confirmed) AS confirmed, sum(pending) AS pending, round(sum(gmv), 2) AS gmv,
           round(sum(refunds), 2) AS refunds, round(sum(paid) - sum(refunds), 2) AS net_revenue,
           round(sum(cancelled) / sum(bookings), 4) AS cancellation_rate,
           round(sum(refunded_bookings) / nullif(sum(paid_bookings), 0), 4) AS refund_rate,
           round(sum(failed_attempts) / nullif(sum(payments), 0), 4) AS payment_failure_rate,
           round(sum(failed_attempts) / sum(bookings), 4) AS failed_payments_per_booking,
           round(sum(gmv) / nullif(sum(gmv_bookings), 0), 2) AS average_order_value
    """

  static let marketplaceTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "marketplace_weekly", title: "Marketplace by week, category and city",
      caption:
        "Week = Monday of the slot's local week. GMV = booking prices of confirmed and completed bookings; net revenue = paid minus refunded; rates are shares (0.0123 = 1.23%). Money in the city's currency.",
      htmlRowLimit: 40,
      sql: """
        SELECT week, category, city, currency, \(weeklyMeasures)
        FROM report_service_weeks WHERE in_period GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
        """),
    ReportTableSpec(
      id: "weekly_totals", title: "Marketplace by week",
      caption:
        "All categories and cities per week and currency (money is never added across currencies). Payment failure rate = failed attempts / attempts; per booking = failed attempts / bookings.",
      sql: """
        SELECT week, currency, \(weeklyMeasures)
        FROM report_service_weeks WHERE in_period GROUP BY 1, 2 ORDER BY 1, 2
        """),
    ReportTableSpec(
      id: "bookings_by_status", title: "Bookings by status and week",
      caption: "Every booking of the period by the week of its slot and its status.",
      sql: """
        SELECT week, sum(bookings) AS bookings, sum(completed) AS completed, sum(confirmed) AS confirmed,
               sum(pending) AS pending, sum(cancelled) AS cancelled
        FROM report_service_weeks WHERE in_period GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "customers_weekly", title: "New and repeat customers by week",
      caption:
        "A customer is new in the week of their first booking ever (any status); repeat otherwise. Repeat rate = repeat / customers.",
      runsBeside: true,
      sql: """
        WITH weeks AS (
          -- distinct customers per week: each customer's bookings of the period in slot order (the index
          -- booking_facts_user_date), counting a customer again only when the week changes
          SELECT week, count(*) AS customers
          FROM (SELECT week, lag(week) OVER (PARTITION BY user_id ORDER BY local_date) AS previous_week
                FROM (SELECT user_id, local_date, \(monday("local_date")) AS week FROM {{schema}}.booking_facts
                      WHERE NOT source_deleted AND local_date BETWEEN \(monday("$1::date")) AND $2) AS b) AS ordered
          WHERE previous_week IS DISTINCT FROM week
          GROUP BY 1
        ), firsts AS (
          -- a customer is new in the week of their first booking, which is one of their weeks here
          SELECT \(monday("first_date")) AS week, count(*) AS new_customers
          FROM {{schema}}.customer_first_bookings WHERE first_date BETWEEN \(monday("$1::date")) AND $2
          GROUP BY 1
        )
        SELECT w.week, w.customers, coalesce(f.new_customers, 0) AS new_customers,
               w.customers - coalesce(f.new_customers, 0) AS repeat_customers,
               round((w.customers - coalesce(f.new_customers, 0))::numeric / w.customers, 4) AS repeat_rate
        FROM weeks w LEFT JOIN firsts f USING (week)
        ORDER BY 1
        """),
    ReportTableSpec(
      id: "cohort_retention", title: "Monthly cohort retention",
      caption:
        "Customers grouped by the month of their first booking (cohorts starting in the period); retention = share of the cohort booking again n months later.",
      htmlRowLimit: 80, runsBeside: true,
      sql: """
        WITH active AS (
          SELECT DISTINCT b.user_id, date_trunc('month', b.local_date::timestamp)::date AS month
          FROM {{schema}}.booking_facts b
          JOIN {{schema}}.customer_first_bookings f
            ON f.user_id = b.user_id AND f.first_date >= date_trunc('month', $1::timestamp)::date
          WHERE NOT b.source_deleted AND b.local_date BETWEEN date_trunc('month', $1::timestamp)::date AND $2
        ), counted AS (
          SELECT date_trunc('month', f.first_date::timestamp)::date AS cohort, a.month, count(*) AS customers
          FROM active a JOIN {{schema}}.customer_first_bookings f USING (user_id)
          GROUP BY 1, 2
        )
        SELECT cohort,
               ((extract(year FROM month) - extract(year FROM cohort)) * 12
                + extract(month FROM month) - extract(month FROM cohort))::int AS months_since,
               customers,
               round(customers::numeric / first_value(customers) OVER (PARTITION BY cohort ORDER BY month), 4) AS retention
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
          SELECT provider_id, category, city, sum(bookings - cancelled) AS slots
          FROM report_service_weeks WHERE in_period GROUP BY 1, 2, 3
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
        WITH rated AS (SELECT rating, sum(ratings) AS ratings FROM report_ratings GROUP BY 1)
        SELECT r.rating, coalesce(rated.ratings, 0) AS ratings,
               round(coalesce(rated.ratings, 0) / (SELECT sum(ratings) FROM rated), 4) AS share
        FROM generate_series(1, 5) AS r(rating) LEFT JOIN rated ON rated.rating = r.rating
        WHERE EXISTS (SELECT FROM rated)
        ORDER BY 1
        """),
    ReportTableSpec(
      id: "ratings_by_category", title: "Ratings by category",
      caption: "Count of each rating and the average, per category, over the period's bookings.",
      sql: """
        SELECT category, sum(ratings) AS ratings, round(sum(rating * ratings) / sum(ratings), 2) AS average_rating,
               coalesce(sum(ratings) FILTER (WHERE rating = 1), 0) AS stars_1,
               coalesce(sum(ratings) FILTER (WHERE rating = 2), 0) AS stars_2,
               coalesce(sum(ratings) FILTER (WHERE rating = 3), 0) AS stars_3,
               coalesce(sum(ratings) FILTER (WHERE rating = 4), 0) AS stars_4,
               coalesce(sum(ratings) FILTER (WHERE rating = 5), 0) AS stars_5
        FROM report_ratings GROUP BY 1 ORDER BY 1
        """),
    ReportTableSpec(
      id: "provider_leaderboard", title: "Provider leaderboard",
      caption:
        "The 10 providers with the most net revenue (paid minus refunded) per currency over the period, with their bookings and average rating (and how many ratings it rests on).",
      sql: """
        WITH per_provider AS (
          SELECT provider_id, currency, min(category) AS category, min(city) AS city, sum(bookings) AS bookings,
                 sum(completed) AS completed, round(sum(paid) - sum(refunds), 2) AS net_revenue
          FROM report_service_weeks WHERE in_period GROUP BY 1, 2
        ), ranked AS (
          SELECT *, row_number() OVER (PARTITION BY currency ORDER BY net_revenue DESC, provider_id) AS rank
          FROM per_provider
        ), rated AS (
          SELECT provider_id, currency, sum(rating * ratings) AS stars, sum(ratings) AS ratings
          FROM report_ratings GROUP BY 1, 2
        )
        SELECT r.currency, r.rank, r.provider_id, r.category, r.city, r.bookings, r.completed, r.net_revenue,
               round(rt.stars / rt.ratings, 2) AS average_rating, coalesce(rt.ratings, 0) AS ratings
        FROM ranked r LEFT JOIN rated rt USING (provider_id, currency)
        WHERE r.rank <= 10
        ORDER BY r.currency, r.rank
        """),
    ReportTableSpec(
      id: "top_services", title: "Most booked services",
      caption: "The 20 services with the most bookings in the period, with their title as the provider wrote it.",
      sql: """
        SELECT w.service_id, s.title, w.category, w.city, sum(w.bookings) AS bookings, sum(w.cancelled) AS cancelled,
               w.currency, round(sum(w.gmv), 2) AS gmv
        FROM report_service_weeks w JOIN {{schema}}.services s ON s.service_id = w.service_id
        WHERE w.in_period
        GROUP BY w.service_id, s.title, w.category, w.city, w.currency
        ORDER BY bookings DESC, w.service_id LIMIT 20
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
          ReportChart(
            .lines(
              table: "bookings_by_status", x: "week", series: ["bookings", "completed", "cancelled"],
              title: "Bookings per week",
              description: "All bookings, completed and cancelled bookings per week of the slot date."),
            howToRead:
              "Each point is one week of slot dates (its Monday on the axis), and the axis starts at zero. Read a dip against the other two lines: fewer bookings with more cancellations tells a different story from fewer bookings overall.",
            axis: .weeks)),
        .table("bookings_by_status"),
        .table("weekly_totals"),
        .table("marketplace_weekly"),
      ]),
    ReportSectionSpec(
      id: "customers", title: "Customers",
      intro: "New against repeat customers, and how monthly cohorts come back.",
      blocks: [
        .chart(
          ReportChart(
            .lines(
              table: "customers_weekly", x: "week", series: ["new_customers", "repeat_customers"],
              title: "New and repeat customers per week",
              description: "Distinct customers with a booking in the week, split by whether it was their first week."),
            howToRead:
              "Each point counts the distinct customers with a booking in that week; new ones booked for the first time ever. A rising repeat line means customers come back.",
            axis: .weeks)),
        .table("customers_weekly"),
        .chart(
          ReportChart(
            .heatMap(
              table: "cohort_retention", row: "cohort", column: "months_since", value: "retention", splitBy: nil,
              midpoint: nil, title: "Cohort retention",
              description: "Share of each monthly cohort with a booking n months after its first; darker is higher."),
            howToRead:
              "Each row is a cohort (the month of its first booking), each column the months since; month 0 is always 1, the whole cohort. Read along a row to see how a cohort comes back; read down a column to compare newer cohorts with older ones.",
            axis: .months)),
        .table("cohort_retention"),
      ]),
    ReportSectionSpec(
      id: "providers", title: "Providers and quality",
      intro: "How full the providers are, how customers rate them, and who leads.",
      blocks: [
        .chart(
          ReportChart(
            .heatMap(
              table: "provider_utilisation", row: "category", column: "city", value: "utilisation", splitBy: nil,
              midpoint: nil, title: "Provider utilisation",
              description: "Booked slots over capacity per category and city; darker is fuller."),
            howToRead:
              "Each cell is booked slots over capacity for a category in a city, printed in the cell: 0.8 means 80% of the weekly slots were booked. Darker is fuller; cells near 1 are sold out and are where higher prices pay."
          )),
        .table("provider_utilisation"),
        .chart(
          ReportChart(
            .bars(
              table: "rating_distribution", label: "rating", value: "ratings", title: "Ratings",
              description: "Number of ratings with 1 to 5 stars."),
            howToRead:
              "Each bar counts the ratings with that many stars; their shares are in the table. Watch the 1- and 2-star bars: the comments are under \"Recent low ratings\"."
          )),
        .table("rating_distribution"),
        .table("ratings_by_category"),
        .table("low_rating_comments"),
        .table("provider_leaderboard"),
        .table("top_services"),
        .chart(
          ReportChart(
            .heatMap(
              table: "catalogue_coverage", row: "category", column: "city", value: "active_services", splitBy: nil,
              midpoint: nil, title: "Active services",
              description: "Active services per category and city; an empty cell has none."),
            howToRead:
              "Each cell counts the active services of a category in a city; an empty cell means customers there cannot book that category at all."
          )),
        .table("catalogue_coverage"),
      ]),
  ]
}
