/// A fast path for the common decimal spellings (`-12`, `3.25`, `0.001`): at most 15 significant
/// digits and no exponent, where `digits / 10^k` with both exactly representable in a `Double`
/// gives the correctly rounded result (one IEEE division; Clinger 1990, "How to read floating point
/// numbers accurately", the fast path). Anything else returns nil and goes to `strtod`.
enum CSVNumber {
  private static let powersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
  }

  static func parseSimple(_ bytes: UnsafeRawBufferPointer) -> Double? {
    var index = 0
    let count = bytes.count
    var negative = false
    if index < count, bytes[index] == 45 || bytes[index] == 43 {
      negative = bytes[index] == 45
      index += 1
    }
    var mantissa: UInt64 = 0
    var digitCount = 0
    var fractionDigits = 0
    var sawDot = false
    var sawDigit = false
    while index < count {
      let byte = bytes[index]
      if byte >= 48 && byte <= 57 {
        sawDigit = true
        if mantissa != 0 || byte != 48 { digitCount += 1 }
        if digitCount > 15 { return nil }
        mantissa = mantissa * 10 + UInt64(byte - 48)
        if sawDot { fractionDigits += 1 }
      } else if byte == 46 && !sawDot {
        sawDot = true
      } else {
        return nil
      }
      index += 1
    }
    guard sawDigit, fractionDigits <= 22 else { return nil }
    let value = Double(mantissa) / powersOfTen[fractionDigits]
    return negative ? -value : value
  }
}
