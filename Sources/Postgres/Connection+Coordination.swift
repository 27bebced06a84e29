import CLibPQ
import Foundation

extension Connection {
  // MARK: - Advisory locks

  /// Takes a session-level advisory lock if it is free; returns false at once if another session holds it.
  public func tryAdvisoryLock(_ key: Int64) throws -> Bool {
    try query("SELECT pg_try_advisory_lock(\(key))").scalar(Bool.self)
  }

  /// Releases a session-level advisory lock taken by this session; returns whether it was held.
  @discardableResult
  public func advisoryUnlock(_ key: Int64) throws -> Bool {
    try query("SELECT pg_advisory_unlock(\(key))").scalar(Bool.self)
  }

  /// Whether some session of this database holds a session-level advisory lock on `key`, looked up in
  /// `pg_locks` without taking it (taking it, even for a moment, would make a process that tries it then
  /// fail). A bigint key is held as its high 32 bits in `classid`, its low ones in `objid`, `objsubid` 1.
  public func isAdvisoryLockHeld(_ key: Int64) throws -> Bool {
    let bits = UInt64(bitPattern: key)
    return try query(
      """
      SELECT EXISTS (SELECT 1 FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND objsubid = 1
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND classid = \(Int64(bits >> 32))::oid AND objid = \(Int64(bits & 0xFFFF_FFFF))::oid)
      """
    ).scalar(Bool.self)
  }

  /// A stable 64-bit lock key for a name (FNV-1a), so that every process agrees on it.
  public static func advisoryLockKey(_ name: String) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return Int64(bitPattern: hash)
  }

  // MARK: - LISTEN / NOTIFY

  /// Sends `NOTIFY channel, payload` (delivered at commit when inside a transaction).
  public func notify(channel: String, payload: String) throws {
    try query("SELECT pg_notify(\(channel), \(payload))")
  }

  /// Subscribes this session to a channel.
  public func listen(_ channel: SQLIdentifier) throws {
    try execute("LISTEN \(channel.quoted)")
  }

  /// A notification received on a `LISTEN`ed channel.
  public struct Notification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32
  }

  /// Waits up to `timeout` seconds for the next notification; nil when none arrives in time.
  public func waitForNotification(timeout: Double) throws -> Notification? {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      guard PQconsumeInput(handle) == 1 else { throw error(from: nil, query: "LISTEN") }
      if let notice = PQnotifies(handle) {
        defer { PQfreemem(notice) }
        return Notification(
          channel: String(cString: notice.pointee.relname), payload: String(cString: notice.pointee.extra),
          senderPID: notice.pointee.be_pid)
      }
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return nil }
      var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
      _ = poll(&descriptor, 1, Int32(min(remaining, 1) * 1000))
    }
  }
}
