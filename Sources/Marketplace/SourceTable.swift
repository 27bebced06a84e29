/// The booking platform's tables (docs/contracts.md section 1), in load order.
public enum SourceTable: String, CaseIterable, Sendable {
  case cities, users, providers, services, bookings, payments, feedbacks, quotes

  /// The columns in contract order (the order of the COPY streams the generator writes).
  public var columns: [String] {
    switch self {
    case .cities: ["city", "time_zone", "country"]
    case .users: ["user_id", "name", "type", "contact_info", "city", "created_at"]
    case .providers: ["provider_id", "experience_years", "weekly_capacity", "status", "onboarded_at", "updated_at"]
    case .services: ["service_id", "title", "category", "city", "price", "currency", "provider_id", "active",
                     "created_at", "updated_at"]
    case .bookings: ["booking_id", "service_id", "user_id", "status", "booking_time", "scheduled_for", "price",
                     "currency", "updated_at"]
    case .payments: ["payment_id", "booking_id", "amount", "currency", "status", "refunded_amount", "created_at",
                     "updated_at"]
    case .feedbacks: ["feedback_id", "booking_id", "rating", "comment", "created_at"]
    case .quotes: ["quote_id", "service_id", "user_id", "quoted_at", "scheduled_for", "price", "multiplier",
                   "version_id", "booking_id"]
    }
  }

  /// The tables filled while bookings are generated (streamed concurrently).
  public static let facts: [SourceTable] = [.bookings, .payments, .feedbacks, .quotes]
  /// The reference tables, generated first.
  public static let reference: [SourceTable] = [.cities, .users, .providers, .services]
}
