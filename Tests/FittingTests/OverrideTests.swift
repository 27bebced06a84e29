import Foundation
import Fitting
import Postgres
import PricingModel
import Publish
import TestSupport
import Testing
import Warehouse

/// A migrated warehouse with cleaning and moving in Berlin and Wien, and a published table of 36 cells (2
/// categories x 2 cities x 3 bands x 3 days from today) at 1.1, whose factors carry demand and prices.
struct OverrideFixture {
  let conninfo: String
  let connection: Connection
  let schema: WarehouseSchema
  static let today = LocalDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))

  init() throws {
    (conninfo, connection) = try TestDatabase.connect(label: "override")
    schema = try WarehouseSchema()
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    try connection.execute(
      """
      INSERT INTO pricing.cities VALUES ('Berlin', 'Europe/Berlin', 'DE', 1), ('Wien', 'Europe/Vienna', 'AT', 1);
      INSERT INTO pricing.providers (provider_id, experience_years, weekly_capacity, status, run_id)
        VALUES (1, 5, 20, 'active', 1);
      INSERT INTO pricing.services (service_id, category, city, price, currency, provider_id, active, run_id) VALUES
        (1, 'cleaning', 'Berlin', 50, 'EUR', 1, true, 1), (2, 'cleaning', 'Wien', 50, 'EUR', 1, true, 1),
        (3, 'moving', 'Berlin', 300, 'EUR', 1, true, 1), (4, 'moving', 'Wien', 300, 'EUR', 1, true, 1);
      """)
    let run = try connection.query("INSERT INTO pricing.runs (command) VALUES ('run') RETURNING run_id").scalar(Int64.self)
    try connection.query(
      """
      INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
        iterations, status, reasons, config, coefficients, elasticities, metrics, timings)
      VALUES (\(run), \(Self.today), '2024-06-15', '2026-05-18', 3, 'poisson', true, 5, 'fitted', '{}',
        '{"min_multiplier": 0.8, "max_multiplier": 1.5, "max_daily_change": 0.1, "objective": "gmv"}', '[]', '[]', '{}', '{}')
      """)
    try connection.query(
      """
      INSERT INTO pricing.candidate_multipliers
      SELECT \(run), c, x, b, \(Self.today)::date + d, 1.1
      FROM unnest(ARRAY['cleaning', 'moving']) c, unnest(ARRAY['Berlin', 'Wien']) x,
           unnest(ARRAY['junior', 'experienced', 'senior']) b, generate_series(0, 2) d
      """)
    try connection.query(
      """
      INSERT INTO pricing.candidate_factors
      SELECT run_id, category, city, experience_band, valid_on,
             json_build_object('objective', 'gmv', 'band_demand', 5, 'band_capacity', 10, 'elasticity', -0.5,
                               'elasticity_se', 0.05, 'list_price', 50, 'currency', 'EUR', 'binding', 'ceiling')
      FROM pricing.candidate_multipliers WHERE run_id = \(run)
      """)
    var publisher = Publisher(connection: connection, schema: schema, logger: TestDatabase.quietLogger)
    publisher.settings.today = Self.today
    _ = try publisher.publish(runID: run, dryRun: false, force: false, actor: "test")
  }

  func pricing(_ arguments: [String], actor: String = "ana") throws -> PricingBinary.Outcome {
    try PricingBinary.run(
      arguments + ["--warehouse", conninfo], environment: ["PRICING_ACTOR": actor, "PRICING_LOG_LEVEL": "warning"])
  }

  /// The served multipliers of a category x city, by band and day.
  func served(_ category: String, _ city: String) throws -> [Double] {
    try connection.query(
      """
      SELECT multiplier::float8 FROM pricing.current_multipliers WHERE category = \(category) AND city = \(city)
      ORDER BY valid_on, experience_band
      """
    ).rows.map { try $0.decode(Double.self, at: 0) }
  }
}

@Suite("Manual overrides against PostgreSQL and on the command line", .serialized)
struct OverrideTests {
  let today = OverrideFixture.today

  @Test("bad requests exit 64 or 65 with a message that says what to change", arguments: [
    (["--category", "gardening", "--kind", "freeze"], 65, "pricing: error: unknown category gardening: no service offers it\n"),
    (["--category", "cleaning", "--city", "Paris", "--kind", "freeze"], 65, "pricing: error: unknown city Paris\n"),
    (["--category", "cleaning", "--band", "master", "--kind", "freeze"], 65,
     "pricing: error: unknown band master: the bands are junior, experienced, senior\n"),
    (["--category", "cleaning", "--kind", "fixed", "--value", "0"], 64,
     "Error: --value must be between 0.0001 and 9.9999 (the table's hard bounds of a multiplier)\n"),
    (["--category", "cleaning", "--kind", "fixed"], 64, "Error: --kind fixed needs --value\n"),
    (["--category", "cleaning", "--kind", "freeze", "--value", "1.2"], 64,
     "Error: --kind freeze takes no --value (it sets multiplier 1)\n"),
    (["--category", "cleaning", "--kind", "surge", "--value", "1.2"], 64,
     "Error: --kind must be fixed, min, max, factor or freeze\n"),
  ] as [([String], Int32, String)])
  func badRequests(arguments: [String], status: Int32, message: String) throws {
    let fixture = try OverrideFixture()
    let outcome = try fixture.pricing(
      ["override", "add", "--from", "\(today)", "--to", "\(today.adding(days: 2))", "--reason", "test"] + arguments)
    #expect(outcome.status == status)
    #expect(outcome.standardError.hasPrefix(message), "\(outcome.standardError)")
  }

  @Test("ranges, reasons, conflicting bounds, revocations: refused with their reason")
  func refusals() throws {
    let fixture = try OverrideFixture()
    func add(_ extra: [String], from: LocalDate, to: LocalDate, reason: String = "test") throws -> PricingBinary.Outcome {
      try fixture.pricing(
        ["override", "add", "--category", "cleaning", "--from", "\(from)", "--to", "\(to)", "--reason", reason] + extra)
    }
    let reversed = try add(["--kind", "freeze"], from: today.adding(days: 2), to: today)
    #expect(reversed.status == 64)
    #expect(reversed.standardError.hasPrefix("Error: --from \(today.adding(days: 2)) is after --to \(today): give the range in order\n"))
    let past = try add(["--kind", "freeze"], from: today.adding(days: -9), to: today.adding(days: -2))
    #expect(past.status == 65)
    #expect(
      past.standardError
        == "pricing: error: \(today.adding(days: -9))..\(today.adding(days: -2)) is wholly past (today is \(today), UTC): an override changes prices to come\n")
    let blank = try add(["--kind", "freeze"], from: today, to: today, reason: "  ")
    #expect(blank.status == 64)
    #expect(blank.standardError.hasPrefix("Error: --reason must say why (it is recorded with the override)\n"))
    let max = try add(["--kind", "max", "--value", "1.2"], from: today, to: today.adding(days: 2))
    #expect(max.status == 0)
    let maxID = try #require(Int64(max.standardOutput.split(separator: " ")[1]))
    let min = try add(["--kind", "min", "--value", "1.3"], from: today.adding(days: 1), to: today.adding(days: 5))
    #expect(min.status == 65)
    #expect(
      min.standardError
        == "pricing: error: a min of 1.3000 above the max 1.2000 of override \(maxID) for the same scope and overlapping days: revoke that one first, or change the value\n")
    let expires = try add(["--kind", "freeze", "--expires", "next tuesday"], from: today, to: today)
    #expect(expires.status == 65)
    #expect(
      expires.standardError
        == "pricing: error: --expires next tuesday is not a timestamp (2026-12-31 18:00, with or without a zone)\n")
    let soon = try add(["--kind", "freeze", "--expires", "now"], from: today, to: today)
    #expect(soon.status == 65)
    #expect(soon.standardError == "pricing: error: --expires now is not in the future\n")
    let tonight = try add(
      ["--kind", "freeze", "--expires", "\(today.adding(days: 1)) 00:00+00"], from: today.adding(days: 1), to: today.adding(days: 3))
    #expect(tonight.status == 65)
    #expect(
      tonight.standardError
        == "pricing: error: --expires \(today.adding(days: 1)) 00:00+00 leaves no day to override: an override applies to the days before its expiry's date (UTC), and its first day still to come is \(today.adding(days: 1))\n")
    let revoked = try fixture.pricing(["override", "revoke", "\(maxID)", "--reason", "done"], actor: "ben")
    #expect(revoked.status == 0)
    let again = try fixture.pricing(["override", "revoke", "\(maxID)", "--reason", "done"])
    #expect(again.status == 65)
    #expect(again.standardError == "pricing: error: override \(maxID) is already revoked\n")
    let unknown = try fixture.pricing(["override", "revoke", "999", "--reason", "done"])
    #expect(unknown.status == 65)
    #expect(unknown.standardError == "pricing: error: no override 999\n")
    // The audit: who added and who revoked it, and why.
    let audit = try fixture.connection.query(
      "SELECT created_by, revoked_by, revoke_reason FROM pricing.price_overrides WHERE override_id = \(maxID)"
    ).single()
    #expect(try audit.decode(String.self, at: 0) == "ana")
    #expect(try audit.decode(String.self, at: 1) == "ben")
    #expect(try audit.decode(String.self, at: 2) == "done")
  }

  @Test("add, list, dry run, reapply: live at once; drift and bounds exempt them; revoked: back at the daily limit")
  func reapply() throws {
    let fixture = try OverrideFixture()
    let added = try fixture.pricing([
      "override", "add", "--category", "cleaning", "--city", "Berlin", "--from", "\(today)", "--to",
      "\(today.adding(days: 1))", "--kind", "fixed", "--value", "2.0", "--reason", "trade fair",
    ])
    #expect(added.status == 0, "\(added.standardError)")
    #expect(added.standardOutput.hasPrefix("override 1 added"))
    let list = try fixture.pricing(["override", "list", "--active", "--format", "json"])
    let records = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
    #expect(records.count == 1)
    for key in ["id", "kind", "category", "city", "experience_band", "valid_from", "valid_to", "value", "reason", "created_by"] {
      #expect(records[0][key] != nil, "\(key)")
    }
    #expect(records[0]["created_by"] as? String == "ana")
    #expect(records[0]["status"] as? String == "active")
    let floor = try fixture.pricing([
      "override", "add", "--category", "cleaning", "--city", "Wien", "--from", "\(today)", "--to",
      "\(today.adding(days: 2))", "--kind", "min", "--value", "1.4", "--reason", "festival",
    ])
    #expect(floor.standardOutput.hasPrefix("override 2 added"))

    let dryRun = try fixture.pricing([
      "override", "add", "--category", "moving", "--from", "\(today)", "--to", "\(today)", "--kind", "freeze",
      "--reason", "outage", "--dry-run",
    ])
    #expect(dryRun.status == 0)
    // The recorded overrides (cleaning in Berlin, 2 days x 3 bands; in Wien, 3 x 3) and moving everywhere
    // today (2 cities x 3 bands).
    #expect(dryRun.standardOutput.hasPrefix("dry run: 21 published cells would change (nothing recorded)\n"))
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.price_overrides").scalar(Int.self) == 2)

    let published = try fixture.pricing(["publish", "--reapply-overrides"])
    #expect(published.status == 0, "\(published.standardOutput)\(published.standardError)")
    #expect(published.standardOutput.contains("pass  bounds: 0 multipliers outside [0.8, 1.5]"))
    #expect(published.standardOutput.contains("15 overridden cells not counted"))
    #expect(try fixture.served("cleaning", "Berlin") == [2, 2, 2, 2, 2, 2, 1.1, 1.1, 1.1])
    #expect(try fixture.served("cleaning", "Wien") == Array(repeating: 1.4, count: 9))
    #expect(try fixture.served("moving", "Wien") == Array(repeating: 1.1, count: 9))
    let explain = try fixture.pricing([
      "explain", "--category", "cleaning", "--city", "Berlin", "--date", "\(today)", "--band", "senior",
    ])
    #expect(explain.standardOutput.contains("  = the policy's multiplier 1.1000 x override 1.8182, by\n"))
    #expect(explain.standardOutput.contains("    override 1 (fixed 2.0000) by ana: trade fair\n"))

    let again = try fixture.pricing(["publish", "--reapply-overrides"])
    #expect(again.status == 0)
    #expect(again.standardOutput == "nothing to change: the table being served already has today's overrides\n")
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.price_versions").scalar(Int.self) == 2)
    for id in [1, 2] {
      #expect(try fixture.pricing(["override", "revoke", "\(id)", "--reason", "called off"]).status == 0)
    }
    let back = try fixture.pricing(["publish", "--reapply-overrides"])
    #expect(back.status == 0, "\(back.standardOutput)\(back.standardError)")
    // Back toward the dynamic 1.1 by at most the daily limit (10%): 1.4 -> 1.26. A fixed multiplier beyond the
    // bounds comes back inside them at once (the bounds win over the daily limit): 2.0 -> 1.5.
    #expect(try fixture.served("cleaning", "Wien") == Array(repeating: 1.26, count: 9))
    #expect(try fixture.served("cleaning", "Berlin") == [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.1, 1.1, 1.1])
  }

  @Test("readers during --reapply-overrides see one complete version at every moment")
  func readersSeeWholeVersions() throws {
    let fixture = try OverrideFixture()
    _ = try fixture.pricing([
      "override", "add", "--category", "moving", "--from", "\(today)", "--to", "\(today.adding(days: 2))", "--kind",
      "freeze", "--reason", "outage",
    ])
    let reader = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let process = try PricingBinary.start(
      ["publish", "--reapply-overrides", "--warehouse", fixture.conninfo, "--quiet"])
    var observations: [String] = []
    while process.isRunning {
      let row = try reader.query(
        "SELECT count(*), count(DISTINCT version_id), count(*) FILTER (WHERE multiplier = 1) FROM pricing.current_multipliers"
      ).single()
      observations.append(
        "\(try row.decode(Int.self, at: 0)),\(try row.decode(Int.self, at: 1)),\(try row.decode(Int.self, at: 2))")
    }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    observations.append(
      try reader.query("SELECT count(*) || ',' || count(DISTINCT version_id) || ',' || count(*) FILTER (WHERE multiplier = 1) FROM pricing.current_multipliers").scalar(String.self))
    #expect(!observations.isEmpty)
    // Either the old version (no cell at 1) or the new one (the 18 moving cells at 1), never a mix.
    #expect(observations.allSatisfy { $0 == "36,1,0" || $0 == "36,1,18" }, "\(Set(observations))")
    #expect(observations.last == "36,1,18")
  }

  @Test("the admin role manages overrides and reads prices, nothing else; the reader role cannot see overrides")
  func roles() throws {
    let fixture = try OverrideFixture()
    let suffix = UUID().uuidString.prefix(8).lowercased()
    let admin = "pricing_admin_\(suffix)"
    let reader = "pricing_reader_\(suffix)"
    let migrated = try fixture.pricing(["migrate", "--admin-role", admin, "--reader-role", reader])
    #expect(migrated.status == 0, "\(migrated.standardError)")
    #expect(migrated.standardOutput.contains("role \(admin) may read the pricing tables and add and revoke overrides"))
    let same = try fixture.pricing(["migrate", "--admin-role", reader, "--reader-role", reader])
    #expect(same.status == 64)
    // The admin role runs the override commands (the schema check reads schema_migrations).
    let listed = try PricingBinary.run(
      ["override", "list", "--warehouse", fixture.conninfo + " user=\(admin)"], environment: ["PRICING_ACTOR": "ana"])
    #expect(listed.status == 0, "\(listed.standardError)")
    func attempt(_ role: String, _ statement: String) throws -> String? {
      try fixture.connection.execute("SET ROLE \(role)")
      defer { try? fixture.connection.execute("RESET ROLE") }
      do {
        try fixture.connection.execute(statement)
        return nil
      } catch let error as PostgresError {
        return error.sqlState
      }
    }
    #expect(
      try attempt(
        admin,
        """
        INSERT INTO pricing.price_overrides (category, valid_from, valid_to, kind, reason, created_by)
        VALUES ('cleaning', current_date, current_date, 'freeze', 'storm', 'admin')
        """) == nil)
    #expect(try attempt(admin, "UPDATE pricing.price_overrides SET revoked_at = now(), revoked_by = 'admin'") == nil)
    #expect(try attempt(admin, "SELECT * FROM pricing.current_multipliers, pricing.model_runs LIMIT 1") == nil)
    #expect(try attempt(admin, "UPDATE pricing.candidate_multipliers SET multiplier = 9") == "42501")
    #expect(try attempt(admin, "DELETE FROM pricing.current_version") == "42501")
    #expect(try attempt(admin, "INSERT INTO pricing.price_versions (run_id, rows) VALUES (1, 0)") == "42501")
    #expect(try attempt(admin, "UPDATE pricing.price_overrides SET value = 2") == "42501")
    // A revocation is set once; a revoked override cannot change; none can be deleted.
    #expect(try attempt(admin, "UPDATE pricing.price_overrides SET revoked_at = NULL, revoked_by = NULL") == "42501")
    #expect(try attempt(admin, "UPDATE pricing.price_overrides SET value = 50") == "42501")
    #expect(
      try attempt(
        admin,
        """
        INSERT INTO pricing.price_overrides (category, valid_from, valid_to, kind, value, reason, created_by)
        VALUES ('cleaning', current_date, current_date, 'fixed', 50, 'x', 'x')
        """) == "23514")
    #expect(try attempt("postgres", "DELETE FROM pricing.price_overrides") == "42501")
    #expect(
      try fixture.connection.query("SELECT recorded_by FROM pricing.price_overrides ORDER BY override_id LIMIT 1")
        .scalar(String.self) == admin)
    #expect(try attempt(reader, "SELECT * FROM pricing.price_overrides") == "42501")
    #expect(
      try attempt(
        reader,
        """
        INSERT INTO pricing.price_overrides (category, valid_from, valid_to, kind, reason, created_by)
        VALUES ('cleaning', current_date, current_date, 'freeze', 'x', 'x')
        """) == "42501")
  }
}
