import CSV
import Foundation
import Postgres
import PricingModel

/// Reads an event calendar (`fit.events_file`, docs/model.md): CSV with the header
/// `name,country,city,first_day,last_day,lead_in_days`, one window per line.
///
/// - name: lower-case letters, digits and underscores; the model's coefficients are per name;
/// - country: an ISO 3166-1 alpha-2 code; city: empty for the whole country, else one city of it;
/// - first_day <= last_day (ISO dates); lead_in_days: empty or 0...90 days before first_day;
/// - two windows of one name in one place may not overlap.
///
/// Anything else is a `FitError.configuration` naming FILE:LINE and what is wrong.
public enum EventCalendarFile {
  public static let header = ["name", "country", "city", "first_day", "last_day", "lead_in_days"]

  public static func read(path: String) throws -> EventCalendar {
    var windows: [EventCalendar.Window] = []
    var lines: [Int] = []
    var sawHeader = false
    func fail(_ line: Int, _ message: String) -> FitError {
      FitError(code: .configuration, message: "\(path):\(line): \(message)")
    }
    do {
      try CSVReader.forEachRecord(inFile: path) { record in
        let fields = (0..<record.count).map { record.string($0) ?? "" }
        if !sawHeader {
          sawHeader = true
          guard fields == header else {
            throw fail(record.line, "the header must be \(header.joined(separator: ","))")
          }
          return
        }
        guard fields.count == header.count else {
          throw fail(record.line, "expected \(header.count) fields, found \(fields.count)")
        }
        let name = fields[0]
        guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
          throw fail(record.line, "event name \"\(name.prefix(40))\" must be lower-case letters, digits and underscores")
        }
        guard countries.contains(fields[1]) else {
          throw fail(record.line, "unknown country \"\(fields[1].prefix(40))\" (an ISO 3166-1 alpha-2 code)")
        }
        func day(_ index: Int) throws -> LocalDate {
          guard let date = LocalDate(iso: fields[index]) else {
            throw fail(record.line, "\(header[index]) \"\(fields[index].prefix(40))\" is not a date YYYY-MM-DD")
          }
          return date
        }
        let first = try day(3)
        let last = try day(4)
        guard first <= last else { throw fail(record.line, "the window is reversed: last_day \(last) is before first_day \(first)") }
        let lead = fields[5].isEmpty ? 0 : Int(fields[5]) ?? -1
        guard (0...90).contains(lead) else {
          throw fail(record.line, "lead_in_days \"\(fields[5].prefix(40))\" must be a whole number from 0 to 90")
        }
        windows.append(
          EventCalendar.Window(
            name: name, country: fields[1], city: fields[2].isEmpty ? nil : fields[2],
            first: CalendarDay(daysSinceEpoch: first.daysSinceEpoch), last: CalendarDay(daysSinceEpoch: last.daysSinceEpoch),
            leadIn: lead))
        lines.append(record.line)
      }
    } catch let error as CSVError {
      throw FitError(code: .configuration, message: "\(path)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
    }
    guard sawHeader else { throw FitError(code: .configuration, message: "\(path): the file is empty: no header row") }
    // Overlaps: per name and place, windows sorted by first day must each end before the next starts.
    let order = windows.indices.sorted {
      let a = windows[$0]
      let b = windows[$1]
      return (a.name, a.country, a.city ?? "", a.first.daysSinceEpoch) < (b.name, b.country, b.city ?? "", b.first.daysSinceEpoch)
    }
    for (previous, next) in zip(order, order.dropFirst()) {
      let a = windows[previous]
      let b = windows[next]
      if a.name == b.name && a.country == b.country && a.city == b.city && b.first <= a.last {
        throw fail(
          max(lines[previous], lines[next]),
          "window \(b.first)..\(b.last) of \(b.name) overlaps \(a.first)..\(a.last) (line \(min(lines[previous], lines[next])))")
      }
    }
    return EventCalendar(windows: windows)
  }

  /// ISO 3166-1 alpha-2 codes.
  static let countries: Set<String> = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
  ]
}
