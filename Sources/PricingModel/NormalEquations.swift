import Dispatch
import Synchronization

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
  /// Memory every `accumulate` of this instance (and of its copies) reuses: one instance serves a whole fit,
  /// one `accumulate` at a time.
  private let workspace: Workspace

  init(design: SparseDesign, blockSize: Int, threads: Int) {
    self.design = design
    self.blockSize = blockSize
    self.threads = threads
    let blocks = max(1, (design.rowCount + blockSize - 1) / blockSize)
    workspace = Workspace(
      workers: threads > 1 ? min(blocks, threads) : 1, rows: min(max(1, design.rowCount), blockSize),
      blocks: blocks, design: design)
  }

  /// Returns (X'WX as a full symmetric matrix, X'Wz).
  func accumulate(weights: [Double], workingResponse: [Double]) -> (SymmetricMatrix, [Double]) {
    let p = design.columnCount
    let n = design.rowCount
    let blocks = workspace.blocks
    let stride = workspace.stride
    nonisolated(unsafe) let partials = workspace.partials
    partials.update(repeating: 0, count: blocks * stride)
    let scratches = workspace.scratches
    // Each worker takes the next block until none is left (a slow core holds up one block, not a share
    // of them), with its own scratch memory; every block writes its own partial sums.
    let nextBlock = Atomic<Int>(0)
    weights.withUnsafeBufferPointer { weightBuffer in
      workingResponse.withUnsafeBufferPointer { responseBuffer in
        nonisolated(unsafe) let w = weightBuffer.baseAddress!
        nonisolated(unsafe) let z = responseBuffer.baseAddress!
        DispatchQueue.concurrentPerform(iterations: scratches.count) { worker in
          while true {
            let block = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
            if block >= blocks { break }
            let start = block * blockSize
            let rows = start..<min(n, start + blockSize)
            accumulateBlock(rows: rows, w: w, z: z, into: partials + block * stride, p: p, scratch: scratches[worker])
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

  // MARK: - Memory

  /// The partial sums of every block, and each worker's scratch memory: allocated once per fit.
  ///
  /// (Allocated per block, the scratch buffers of 256 KiB to 2 MiB were mapped and unmapped by glibc for
  /// every block whenever its mmap threshold was below their size, as it is in a process that has not
  /// freed a larger block yet: four times the page faults, and a 25% slower `pricing regress` fit.)
  ///
  /// Unchecked `Sendable`: nothing changes after `init` but the memory behind the pointers, where each
  /// block writes its own partial sums and each worker uses its own scratch.
  private final class Workspace: @unchecked Sendable {
    let blocks: Int
    let stride: Int
    let partials: UnsafeMutablePointer<Double>
    let scratches: [Scratch]

    init(workers: Int, rows: Int, blocks: Int, design: SparseDesign) {
      self.blocks = blocks
      stride = design.columnCount * design.columnCount + design.columnCount
      partials = .allocate(capacity: blocks * stride)
      scratches = (0..<workers).map { _ in Scratch(rows: rows, design: design) }
    }

    deinit {
      partials.deallocate()
      scratches.forEach { $0.release() }
    }
  }

  /// Memory for one block's products, used by one worker for each of its blocks: w z, the weighted numeric
  /// columns (column-major and row-major) and a categorical's per-level table.
  private struct Scratch: @unchecked Sendable {
    let weighted: UnsafeMutablePointer<Double>
    let weightedColumns: UnsafeMutablePointer<Double>
    let weightedRows: UnsafeMutablePointer<Double>
    let table: UnsafeMutablePointer<Double>
    let rows: Int

    init(rows: Int, design: SparseDesign) {
      let q = design.numerics.count
      self.rows = max(1, rows)
      weighted = .allocate(capacity: self.rows)
      weightedColumns = .allocate(capacity: max(1, self.rows * q))
      weightedRows = .allocate(capacity: max(1, self.rows * q))
      table = .allocate(capacity: max(1, (design.categoricals.map(\.levels.count).max() ?? 1) * q))
    }

    func release() {
      weighted.deallocate()
      weightedColumns.deallocate()
      weightedRows.deallocate()
      table.deallocate()
    }
  }

  /// One block's upper triangle of X'WX (row-major p x p) followed by X'Wz (p values).
  private func accumulateBlock(
    rows: Range<Int>, w: UnsafePointer<Double>, z: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
    p: Int, scratch: Scratch
  ) {
    let start = rows.lowerBound
    let count = rows.count
    precondition(count <= scratch.rows, "a block larger than its scratch memory")
    let rhs = out + p * p
    @inline(__always) func add(_ row: Int, _ column: Int, _ value: Double) {
      let (r, c) = row <= column ? (row, column) : (column, row)
      out[r * p + c] += value
    }
    // w * z and w * x_j for this block, computed once.
    let weighted = scratch.weighted
    VectorKernels.multiply(w + start, z + start, into: weighted, count)
    out[0] += VectorKernels.sum(w + start, count)
    rhs[0] += VectorKernels.sum(weighted, count)

    let numerics = design.numerics
    var weightedColumns: [UnsafeMutablePointer<Double>] = []
    for (j, numeric) in numerics.enumerated() {
      let wx = scratch.weightedColumns + j * scratch.rows
      numeric.values.withUnsafeBufferPointer {
        VectorKernels.multiply(w + start, $0.baseAddress! + start, into: wx, count)
      }
      weightedColumns.append(wx)
      add(0, numeric.column, VectorKernels.sum(wx, count))
      rhs[numeric.column] += numeric.values.withUnsafeBufferPointer {
        VectorKernels.dot(weighted, $0.baseAddress! + start, count)
      }
    }
    for (j, left) in numerics.enumerated() {
      for right in numerics[j...] {
        let value = right.values.withUnsafeBufferPointer {
          VectorKernels.dot(weightedColumns[j], $0.baseAddress! + start, count)
        }
        add(left.column, right.column, value)
      }
    }

    // Weighted numerics row-major (w_i x_ij for j = 0..<q), so that an indicator x numeric block is a
    // contiguous q-wide add into its level's row of a small per-categorical table.
    let q = numerics.count
    let weightedRows = scratch.weightedRows
    for (j, wx) in weightedColumns.enumerated() {
      for i in 0..<count { weightedRows[i * q + j] = wx[i] }
    }

    let categoricals = design.categoricals
    for (a, categorical) in categoricals.enumerated() {
      categorical.codes.withUnsafeBufferPointer { codeBuffer in
        let codes = codeBuffer.baseAddress! + start
        let first = categorical.firstColumn - 1
        let levels = categorical.levels.count
        let table = scratch.table
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
        numeric.values.withUnsafeBufferPointer {
          VectorKernels.addScaled($0.baseAddress!, beta[numeric.column], into: out, n)
        }
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
