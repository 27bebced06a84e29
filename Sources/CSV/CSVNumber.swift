import Foundation

/// A fast path for the common decimal spellings (`-12`, `3.25`, `0.001`): at most 19 digits whose value
/// is at most 2^53, at most 22 after the dot and no exponent, where `digits / 10^k` with both exactly
/// representable in a `Double` gives the correctly rounded result (one IEEE division; Clinger 1990, "How to read floating point
/// numbers accurately", the fast path). Anything else returns nil and goes to `strtod`.
public enum CSVNumber {
  /// 10^k for k in 0...22, all exact in a Double (a switch compiles to a constant table: no lazy global).
  @inlinable @inline(__always)
  static func powerOfTen(_ exponent: Int) -> Double {
    switch exponent {
    case 0: 1e0
    case 1: 1e1
    case 2: 1e2
    case 3: 1e3
    case 4: 1e4
    case 5: 1e5
    case 6: 1e6
    case 7: 1e7
    case 8: 1e8
    case 9: 1e9
    case 10: 1e10
    case 11: 1e11
    case 12: 1e12
    case 13: 1e13
    case 14: 1e14
    case 15: 1e15
    case 16: 1e16
    case 17: 1e17
    case 18: 1e18
    case 19: 1e19
    case 20: 1e20
    case 21: 1e21
    default: 1e22
    }
  }

  /// `bytes` parsed as a finite decimal number (`strtod` in the C locale, whole field), or nil for empty
  /// text, trailing garbage, hexadecimal, NaN and the infinities. `bytes` must be followed by a NUL byte
  /// (libcsv's fields and `CSVRecord`'s are).
  @inlinable @inline(__always)
  public static func finiteDouble(_ bytes: UnsafeRawBufferPointer) -> Double? {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return nil }
    if let fast = parseSimple(bytes) { return fast }
    return parseWithStrtod(start, count: bytes.count)
  }

  @usableFromInline
  static func parseWithStrtod(_ start: UnsafeRawPointer, count: Int) -> Double? {
    // strtod also reads hexadecimal and "inf"/"nan" spellings: accept only decimal text.
    for offset in 0..<count {
      let byte = start.load(fromByteOffset: offset, as: UInt8.self)
      if !(byte >= 48 && byte <= 57) && byte != 46 && byte != 45 && byte != 43 && byte != 101 && byte != 69 {
        return nil
      }
    }
    var stop: UnsafeMutablePointer<CChar>?
    let value = strtod(start.assumingMemoryBound(to: CChar.self), &stop)
    guard let stop, UnsafeRawPointer(stop) == start + count, value.isFinite else { return nil }
    return value
  }

  @inlinable @inline(__always)
  static func parseSimple(_ bytes: UnsafeRawBufferPointer) -> Double? {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    let count = bytes.count
    var index = 0
    var negative = false
    if count > 0 && (base[0] == 45 || base[0] == 43) {
      negative = base[0] == 45
      index = 1
    }
    // Two tight loops (integer part, fraction) instead of one loop with a branch per byte on the dot.
    var mantissa: UInt64 = 0
    let integerStart = index
    while index < count {
      let digit = base[index] &- 48
      if digit >= 10 { break }
      mantissa = mantissa &* 10 &+ UInt64(digit)
      index &+= 1
    }
    var digitCount = index &- integerStart
    var fractionDigits = 0
    if index < count && base[index] == 46 {
      index &+= 1
      let fractionStart = index
      while index < count {
        let digit = base[index] &- 48
        if digit >= 10 { break }
        mantissa = mantissa &* 10 &+ UInt64(digit)
        index &+= 1
      }
      fractionDigits = index &- fractionStart
      digitCount &+= fractionDigits
    }
    // At most 19 digits cannot overflow a UInt64; the quotient of two exact doubles is correctly rounded.
    guard index == count, digitCount > 0, digitCount <= 19, mantissa <= 1 << 53, fractionDigits <= 22 else {
      return nil
    }
    let value = Double(mantissa) / powerOfTen(fractionDigits)
    return negative ? -value : value
  }
}
