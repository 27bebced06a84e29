/// A dense symmetric matrix, stored in full row-major order (p is at most a few hundred here).
public struct SymmetricMatrix: Sendable, Equatable {
  public let dimension: Int
  public var storage: [Double]

  public init(dimension: Int) {
    self.dimension = dimension
    self.storage = Array(repeating: 0, count: dimension * dimension)
  }

  public init(dimension: Int, storage: [Double]) {
    precondition(storage.count == dimension * dimension)
    self.dimension = dimension
    self.storage = storage
  }

  public subscript(row: Int, column: Int) -> Double {
    get { storage[row * dimension + column] }
    set { storage[row * dimension + column] = newValue }
  }

  /// Copies the upper triangle onto the lower one.
  public mutating func mirrorUpperToLower() {
    for row in 0..<dimension {
      for column in (row + 1)..<max(row + 1, dimension) { storage[column * dimension + row] = storage[row * dimension + column] }
    }
  }

  /// y = A x.
  public func multiply(_ vector: [Double]) -> [Double] {
    (0..<dimension).map { row in
      var sum = 0.0
      for column in 0..<dimension { sum += storage[row * dimension + column] * vector[column] }
      return sum
    }
  }
}
