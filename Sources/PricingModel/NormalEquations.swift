import Dispatch

/// Accumulates the weighted normal equations X'WX and X'Wz of a `SparseDesign` from its non-zeros.
///
/// Per row the cost is O(k^2) for k non-zeros, not O(p^2): the numeric block is a set of weighted dot
/// products over columns, an indicator x numeric entry is a per-level sum, two categoricals meet in a
/// weighted contingency table, and an indicator's diagonal is its level's total weight. Rows are cut into
/// fixed blocks; each block's partial sums are computed independently (on `threads` threads) and added in
/// block order, so the result is bit-for-bit the same whatever the thread count.
struct NormalEquations {
  let design: SparseDesign
  let blockSize: Int
  let threads: Int

  /// Returns (X'WX as a full symmetric matrix, X'Wz).
  func accumulate(weights: [Double], workingResponse: [Double]) -> (SymmetricMatrix, [Double]) {
    let p = design.columnCount
    let n = design.rowCount
    let blocks = max(1, (n + blockSize - 1) / blockSize)
    let stride = p * p + p
    var partials = [Double](repeating: 0, count: blocks * stride)
    partials.withUnsafeMutableBufferPointer { partialBuffer in
      nonisolated(unsafe) let base = partialBuffer.baseAddress!
      weights.withUnsafeBufferPointer { weightBuffer in
        workingResponse.withUnsafeBufferPointer { responseBuffer in
          nonisolated(unsafe) let w = weightBuffer.baseAddress!
          nonisolated(unsafe) let z = responseBuffer.baseAddress!
          let work: @Sendable (Int) -> Void = { block in
            let start = block * blockSize
            let end = min(n, start + blockSize)
            accumulateBlock(rows: start..<end, w: w, z: z, into: base + block * stride, p: p)
          }
          if threads > 1 && blocks > 1 {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: work)
          } else {
            for block in 0..<blocks { work(block) }
          }
        }
      }
    }
    var matrix = SymmetricMatrix(dimension: p)
    var rhs = [Double](repeating: 0, count: p)
    for block in 0..<blocks {
      let offset = block * stride
      for index in 0..<(p * p) { matrix.storage[index] += partials[offset + index] }
      for index in 0..<p { rhs[index] += partials[offset + p * p + index] }
    }
    matrix.mirrorUpperToLower()
    return (matrix, rhs)
  }

  /// One block's upper triangle of X'WX (row-major p x p) followed by X'Wz (p values).
  private func accumulateBlock(
    rows: Range<Int>, w: UnsafePointer<Double>, z: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
    p: Int
  ) {
    let start = rows.lowerBound
    let count = rows.count
    let rhs = out + p * p
    @inline(__always) func add(_ row: Int, _ column: Int, _ value: Double) {
      let (r, c) = row <= column ? (row, column) : (column, row)
      out[r * p + c] += value
    }
    // w * z and w * x_j for this block, computed once.
    let weighted = UnsafeMutablePointer<Double>.allocate(capacity: count)
    defer { weighted.deallocate() }
    VectorKernels.multiply(w + start, z + start, into: weighted, count)
    out[0] += VectorKernels.sum(w + start, count)
    rhs[0] += VectorKernels.sum(weighted, count)

    let numerics = design.numerics
    var weightedColumns: [UnsafeMutablePointer<Double>] = []
    defer { weightedColumns.forEach { $0.deallocate() } }
    for numeric in numerics {
      let wx = UnsafeMutablePointer<Double>.allocate(capacity: count)
      numeric.values.withUnsafeBufferPointer { VectorKernels.multiply(w + start, $0.baseAddress! + start, into: wx, count) }
      weightedColumns.append(wx)
      add(0, numeric.column, VectorKernels.sum(wx, count))
      rhs[numeric.column] += numeric.values.withUnsafeBufferPointer {
        VectorKernels.dot(weighted, $0.baseAddress! + start, count)
      }
    }
    for (j, left) in numerics.enumerated() {
      for right in numerics[j...] {
        let value = right.values.withUnsafeBufferPointer { VectorKernels.dot(weightedColumns[j], $0.baseAddress! + start, count) }
        add(left.column, right.column, value)
      }
    }

    // Weighted numerics row-major (w_i x_ij for j = 0..<q), so that an indicator x numeric block is a
    // contiguous q-wide add into its level's row of a small per-categorical table.
    let q = numerics.count
    let weightedRows = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count * q))
    defer { weightedRows.deallocate() }
    for (j, wx) in weightedColumns.enumerated() {
      for i in 0..<count { weightedRows[i * q + j] = wx[i] }
    }

    let categoricals = design.categoricals
    for (a, categorical) in categoricals.enumerated() {
      categorical.codes.withUnsafeBufferPointer { codeBuffer in
        let codes = codeBuffer.baseAddress! + start
        let first = categorical.firstColumn - 1
        let levels = categorical.levels.count
        let table = UnsafeMutablePointer<Double>.allocate(capacity: max(1, levels * q))
        defer { table.deallocate() }
        table.initialize(repeating: 0, count: max(1, levels * q))
        // v_i: 1 for an indicator, the row's value for a varying slope.
        let values = categorical.values
        @inline(__always) func value(_ i: Int) -> Double { values.map { $0[start + i] } ?? 1 }
        for i in 0..<count {
          let code = Int(codes[i])
          if code == 0 { continue }
          let column = first + code
          let v = value(i)
          let wv = w[start + i] * v
          out[column] += wv  // (intercept, column)
          out[column * p + column] += wv * v
          rhs[column] += weighted[i] * v
          let row = table + code * q
          let source = weightedRows + i * q
          if values == nil {
            for j in 0..<q { row[j] += source[j] }
          } else {
            for j in 0..<q { row[j] += source[j] * v }
          }
        }
        for code in 1..<max(1, levels) {
          for (j, numeric) in numerics.enumerated() { add(first + code, numeric.column, table[code * q + j]) }
        }
        for other in categoricals[(a + 1)...] {
          other.codes.withUnsafeBufferPointer { otherBuffer in
            let otherCodes = otherBuffer.baseAddress! + start
            let otherFirst = other.firstColumn - 1
            let otherValues = other.values
            for i in 0..<count {
              let code = Int(codes[i])
              let otherCode = Int(otherCodes[i])
              if code == 0 || otherCode == 0 { continue }
              let product = value(i) * (otherValues.map { $0[start + i] } ?? 1)
              add(first + code, otherFirst + otherCode, w[start + i] * product)
            }
          }
        }
      }
    }
  }

  /// eta = X beta + offset.
  func linearPredictor(_ beta: [Double], offset: [Double]?, into eta: inout [Double]) {
    let n = design.rowCount
    eta.withUnsafeMutableBufferPointer { etaBuffer in
      let out = etaBuffer.baseAddress!
      if let offset {
        offset.withUnsafeBufferPointer { for i in 0..<n { out[i] = beta[0] + $0[i] } }
      } else {
        for i in 0..<n { out[i] = beta[0] }
      }
      for numeric in design.numerics where beta[numeric.column] != 0 {
        numeric.values.withUnsafeBufferPointer { VectorKernels.addScaled($0.baseAddress!, beta[numeric.column], into: out, n) }
      }
      for categorical in design.categoricals {
        // Level coefficients with 0 for the reference level, gathered by code.
        let levelBeta = [0.0] + (1..<categorical.levels.count).map { beta[categorical.firstColumn + $0 - 1] }
        levelBeta.withUnsafeBufferPointer { table in
          categorical.codes.withUnsafeBufferPointer { codes in
            if let values = categorical.values {
              for i in 0..<n { out[i] += table[Int(codes[i])] * values[i] }
            } else {
              for i in 0..<n { out[i] += table[Int(codes[i])] }
            }
          }
        }
      }
    }
  }
}
