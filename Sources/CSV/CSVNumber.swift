/// A fast path for the common decimal spellings (`-12`, `3.25`, `0.001`): at most 15 significant
/// digits and no exponent, where `digits / 10^k` with both exactly representable in a `Double`
/// gives the correctly rounded result (one IEEE division; Clinger 1990, "How to read floating point
/// numbers accurately", the fast path). Anything else returns nil and goes to `strtod`.
enum CSVNumber {
  /// 10^k for k in 0...22, all exact in a Double (a switch compiles to a constant table: no lazy global).
  @inline(__always)
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

  @inline(__always)
  static func parseSimple(_ bytes: UnsafeRawBufferPointer) -> Double? {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    let count = bytes.count
    var index = 0
    var negative = false
    if count > 0 && (base[0] == 45 || base[0] == 43) {
      negative = base[0] == 45
      index = 1
    }
    var mantissa: UInt64 = 0
    var digitCount = 0
    var fractionDigits = 0
    var sawDot = false
    var sawDigit = false
    while index < count {
      let digit = base[index] &- 48
      if digit < 10 {
        sawDigit = true
        if mantissa != 0 || digit != 0 { digitCount += 1 }
        mantissa = mantissa &* 10 &+ UInt64(digit)
        if sawDot { fractionDigits += 1 }
      } else if base[index] == 46 && !sawDot {
        sawDot = true
      } else {
        return nil
      }
      index += 1
    }
    guard sawDigit, digitCount <= 15, fractionDigits <= 22 else { return nil }
    let value = Double(mantissa) / powerOfTen(fractionDigits)
    return negative ? -value : value
  }
}
