import Foundation
import Postgres

/// Spreads the guardrails' work over time while the database server is busy, as `vacuum_cost_delay` spreads
/// vacuum's: after each unit of work (one guardrail query), when other sessions are running queries, the
/// publisher pauses `ratio` times as long as the unit took before the next one.
///
/// The guardrails are seconds of CPU on the server the booking service reads its prices from (for a million
/// candidates: 1.9 s of drift, a join of two versions' rows). Run back to back on a two-core server, any one
/// such query takes a fifth to a third of the readers' throughput, whatever it computes (docs/benchmarks.md,
/// Publish). Paced with ratio r, the publisher runs at most 1 / (1 + r) of its time while readers are busy,
/// and at full speed when nobody else is (a nightly publish at 3 am, the benchmark's timed publish).
///
/// "Busy" is read from `pg_stat_activity` after each unit: another client session of the server that is
/// running a query or changed state (began or ended one) within the last second. Not only those running a
/// query at that instant: the booking service's backends spend most of their time idle between short
/// lookups, and under eight clients doing 40,000 lookups a second seven samples in ten found none running.
/// Sessions with the publisher's own `application_name` (the pipeline's: `pricing` unless set otherwise)
/// do not count: in `pricing run` the run's recorder writes just before the publish step starts.
/// A role without `pg_read_all_stats` does not see other roles' sessions' state; such a session is
/// counted as busy, so an unprivileged publisher paces whenever another role is connected (slower, never
/// impolite).
struct GuardrailPacer {
  let connection: Connection
  /// Pause per second of work while others are busy; 0 never pauses.
  let ratio: Double
  let sleep: (Double) -> Void
  /// Seconds spent in the units of work, and in pauses after them.
  private(set) var workSeconds = 0.0
  private(set) var pausedSeconds = 0.0

  init(connection: Connection, ratio: Double, sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) })
  {
    self.connection = connection
    self.ratio = ratio
    self.sleep = sleep
  }

  /// Runs one unit of work, then pauses if other sessions are busy.
  mutating func run<T>(_ body: () throws -> T) throws -> T {
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = Self.seconds(start.duration(to: .now))
    workSeconds += elapsed
    if ratio > 0, try Self.busySessions(connection) > 0 {
      let pause = elapsed * ratio
      sleep(pause)
      pausedSeconds += pause
    }
    return result
  }

  /// Other client sessions of the server, not of this application, running a query now or within the last
  /// second (or whose state this role may not see).
  static func busySessions(_ connection: Connection) throws -> Int {
    try connection.query(
      """
      SELECT count(*) FROM pg_stat_activity
      WHERE pid <> pg_backend_pid()
        AND ((backend_type = 'client backend'
              AND application_name IS DISTINCT FROM current_setting('application_name')
              AND (state IN ('active', 'fastpath function call')
                   OR state_change > clock_timestamp() - interval '1 second'))
             OR (backend_type IS NULL AND datname IS NOT NULL))
      """
    ).scalar(Int.self)
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
