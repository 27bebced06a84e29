/// Inner loops of the fit, written over raw pointers with four independent accumulators (SIMD4) so that
/// the compiler can vectorise them. The order of additions is fixed, so results are reproducible.
enum VectorKernels {
  /// sum_i a[i] * b[i] over `count` elements.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    var accumulator = SIMD4<Double>(repeating: 0)
    var index = 0
    while index + 4 <= count {
      let x = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD4<Double>.self)
      let y = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD4<Double>.self)
      accumulator += x * y  // not addingProduct: without -mfma that is a libm call per lane
      index += 4
    }
    var sum = (accumulator[0] + accumulator[1]) + (accumulator[2] + accumulator[3])
    while index < count {
      sum += a[index] * b[index]
      index += 1
    }
    return sum
  }

  /// sum_i a[i].
  @inline(__always)
  static func sum(_ a: UnsafePointer<Double>, _ count: Int) -> Double {
    var accumulator = SIMD4<Double>(repeating: 0)
    var index = 0
    while index + 4 <= count {
      accumulator += UnsafeRawPointer(a + index).loadUnaligned(as: SIMD4<Double>.self)
      index += 4
    }
    var total = (accumulator[0] + accumulator[1]) + (accumulator[2] + accumulator[3])
    while index < count {
      total += a[index]
      index += 1
    }
    return total
  }

  /// out[i] = a[i] * b[i].
  @inline(__always)
  static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, _ count: Int) {
    for index in 0..<count { out[index] = a[index] * b[index] }
  }

  /// out[i] += scale * a[i].
  @inline(__always)
  static func addScaled(_ a: UnsafePointer<Double>, _ scale: Double, into out: UnsafeMutablePointer<Double>, _ count: Int) {
    for index in 0..<count { out[index] += scale * a[index] }
  }
}
